import type { Request } from 'express';
import type { UrlSigner } from '../access/signed-urls.js';
import { withSignedUrls } from '../access/signed-urls.js';
import type { Config } from '../core/config.js';
import { publicBaseUrl } from '../http/base-url.js';
import { publicView, type ImageRecord, type PublicImage } from '../images/image-record.js';

/** How every route shows a record to its caller: the public fields, URLs on this request's base, signed for the caller. */
export type ImageView = (record: ImageRecord, req: Request) => PublicImage;

export function imageViewFor(config: Pick<Config, 'publicBaseUrl'>, signer: UrlSigner): ImageView {
  return (record, req) => {
    const base = publicBaseUrl(req, config.publicBaseUrl);
    return withSignedUrls(publicView(record, base), record, base, signer, req.res?.locals.principal);
  };
}
