import type { BuildInput } from './build-input.js';
import { imageServiceSpec, type ImageServiceSpecInput } from './image-service-spec.js';

/** A build input from a partial spec, with the schema's defaults applied, for the construct tests. */
export function inputFor(spec: Partial<ImageServiceSpecInput> = {}, identity: Partial<Omit<BuildInput, 'spec'>> = {}): BuildInput {
  return {
    name: 'photos',
    namespace: 'media',
    uid: '0b7e7c3a-1f1e-4c1d-9d55-2f7e0d1b4a11',
    ...identity,
    spec: imageServiceSpec.parse({ redis: { urlSecretRef: { name: 'redis' } }, storage: { s3: { bucket: 'images' } }, ...spec }),
  };
}
