/** An API error, rendered as a `Status` object with the reason kubectl and client-go expect. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, ...(this.details ? { details: this.details } : {}), code: this.code };
  }
}

export const notFound = (resource: string, name: string) => new KubeError(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
export const alreadyExists = (resource: string, name: string) => new KubeError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });
export const conflict = (resource: string, name: string, why: string) => new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource });
export const invalid = (kind: string, name: string, causes: string[]) =>
  new KubeError(422, 'Invalid', `${kind} "${name}" is invalid: ${causes.join(', ')}`, { name, kind, causes: causes.map((message) => ({ message })) });
export const badRequest = (message: string) => new KubeError(400, 'BadRequest', message);
