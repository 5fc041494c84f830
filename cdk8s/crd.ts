import { z } from 'zod';
import { GROUP, KIND, PLURAL, VERSION, imageServiceSpec, imageServiceStatus } from './image-service-spec.js';
import { toStructural, type JsonSchema } from './structural-schema.js';

/** Names must leave room for the role suffix within the 63-character DNS-1035 limit of Services. */
export const MAX_NAME_LENGTH = 45;

function openApi(schema: z.ZodType): JsonSchema {
  return toStructural(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonSchema);
}

/** The ImageService CustomResourceDefinition, derived from the zod schema: `npm run crds` writes it to crds/. */
export function imageServiceCrd(): JsonSchema {
  const readyCondition = '.status.conditions[?(@.type=="Ready")]';
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'imgsvc' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { kind: KIND, listKind: `${KIND}List`, plural: PLURAL, singular: 'imageservice', shortNames: ['imgs'], categories: ['imgsvc'] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: `${readyCondition}.status` },
            { name: 'Reason', type: 'string', jsonPath: `${readyCondition}.reason` },
            { name: 'Upload', type: 'integer', description: 'ready upload pods', jsonPath: '.status.roles.upload.readyReplicas' },
            { name: 'Resizer', type: 'integer', description: 'ready resizer pods', jsonPath: '.status.roles.resizer.readyReplicas' },
            { name: 'Origin', type: 'integer', description: 'ready origin pods', jsonPath: '.status.roles.origin.readyReplicas' },
            { name: 'URL', type: 'string', priority: 1, jsonPath: '.spec.publicBaseUrl' },
            { name: 'Image', type: 'string', priority: 1, jsonPath: '.spec.image' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              description: 'An imgsvc deployment: upload, resizer and origin roles on Redis and S3-compatible storage.',
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: openApi(imageServiceSpec),
                status: openApi(imageServiceStatus),
              },
              'x-kubernetes-validations': [
                {
                  rule: `self.metadata.name.size() <= ${MAX_NAME_LENGTH} && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')`,
                  message: `name must be a DNS-1035 label of at most ${MAX_NAME_LENGTH} characters (the role suffix makes Service names)`,
                },
              ],
            },
          },
        },
      ],
    },
  };
}
