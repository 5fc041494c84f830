export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <section class="not-found" aria-labelledby="nf-title">
      <h1 id="nf-title">Not found</h1>
      <p>There is no such {what}, or you may not see it.</p>
      <p>
        <a href="/app">Back to the photos</a>
      </p>
    </section>
  );
}
