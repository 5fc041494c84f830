/** The /i/ handler's parts as it runs them, for bench/lib/hot-path-parts.ts. */
import { parsePresets, DEFAULT_PRESETS, type Preset } from '../../services/core/eager-presets.js';
import { ChoiceMemo } from '../../services/origin/choice-memo.js';
import { writeImageHead } from '../../services/origin/image-headers.js';
import { nextRequestId } from '../../services/http/request-ids.js';
import type { HotPathParts } from './hot-path-parts.js';

const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;
const choices = new ChoiceMemo(presets);
const NO_QUERY = Object.freeze(Object.create(null) as Record<string, string>);

export const HANDLER_PARTS: HotPathParts = {
  presets,
  choose: (req, record) => choices.choose(req.headers, NO_QUERY, '', undefined, record),
  finished(http) {
    const started = performance.now();
    http.finished('/i/:id', 'GET', 200, (performance.now() - started) / 1e3, 'memory');
  },
  writeHead(res, record, choice, variant) {
    writeImageHead(res, { etag: choice.etag, cacheControl: 'public, max-age=31536000, immutable', requestId: nextRequestId(), tier: record.visibility === 'public' ? 'memory' : undefined, vary: choice.vary }, { contentType: variant.contentType, length: variant.data.length });
  },
};
