/** The files of swagger-ui-dist the page loads, served from node_modules: nothing comes from a CDN. */
export const DIST_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Every asset of the page: swagger-ui-dist's files and our own start script. */
export const DOCS_ASSETS = [...Object.keys(DIST_FILES), 'init.js'];
