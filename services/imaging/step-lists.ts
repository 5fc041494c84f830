import type { PipeStep } from './pipe-step.js';
import { colour } from './steps/colour.js';
import { decode } from './steps/decode.js';
import { encode } from './steps/encode.js';
import { orient } from './steps/orient.js';
import { resize } from './steps/resize.js';

/**
 * The transform's compositions, each written once as a list of named steps (imgproxy's
 * processing/pipeline.go is the model). Every output is one of these lists; `buildPipe`
 * applies one in order.
 */

/** Source to one encoded output in one pipeline: display sizes and animations. */
export const SOURCE_TO_OUTPUT: readonly PipeStep[] = [decode, orient, resize, colour, encode];

/** Source to upright sRGB pixels at the spec's width: the shared intermediate, the quality search's reference. */
export const SOURCE_TO_PIXELS: readonly PipeStep[] = [decode, orient, resize, colour];

/** The shared intermediate to one thumbnail. */
export const PIXELS_TO_OUTPUT: readonly PipeStep[] = [resize, encode];
