import { z } from 'zod';
import { cursorsShape, timestampSchema, ulidSchema } from '../http/openapi/common-schemas.js';
import { imageSchema } from '../images/image-schemas.js';

export const albumSchema = z
  .object({
    id: ulidSchema,
    ownerId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    coverImageId: z.string().nullable().describe('null when unset or not visible to the caller'),
    imageCount: z.number().int().optional().describe('shown to whoever may manage the album'),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Album' });

export const albumPageSchema = z.object({ items: z.array(albumSchema), ...cursorsShape });

export const favoriteStateSchema = z.object({ imageId: z.string(), favoritedAt: timestampSchema, favoriteCount: z.number().int(), favorited: z.boolean() });

export const favoritePageSchema = z.object({ items: z.array(z.object({ ...imageSchema.shape, favorited: z.literal(true), favoritedAt: timestampSchema })), ...cursorsShape });
