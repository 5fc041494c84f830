import { z } from 'zod';

/**
 * The measured figures the planner works from (bench/figures.json). Each is `{value, unit,
 * source}` in the file so every number says where it came from; the planner sees plain numbers.
 */
const figure = z.object({ value: z.number().nonnegative(), unit: z.string().optional(), source: z.string().min(1, 'expected a source saying where the figure came from') }).transform((f) => f.value);
const positive = z.object({ value: z.number().positive(), unit: z.string().optional(), source: z.string().min(1, 'expected a source saying where the figure came from') }).transform((f) => f.value);

const role = {
  cpuTarget: positive.refine((v) => v <= 1, 'expected a CPU target between 0 and 1'),
  coresPerPod: positive,
  maxPods: positive,
};

export const figuresSchema = z.object({
  upload: z.object({ cpuMsPerUpload: positive, measuredAtBytes: positive, byteCpuMsAtMeasuredSize: figure, ...role }),
  resizer: z.object({ cpuMsPerImage: positive, measuredAtMegapixels: positive, ...role }),
  origin: z.object({ cpuMsPerRequest: positive, firstViewCpuMs: figure, firstViewTransformsPerUpload: figure, bytesPerView: z.record(z.string(), figure), ...role }),
  traffic: z.object({ viewsPerImagePerDay: figure, cdnHitRatio: figure }),
  redis: z.object({
    opsPerSecond: positive,
    commandsPerUpload: figure,
    commandsPerOriginView: figure,
    bytesPerImage: figure,
    analyticsBytesPerImageDay: figure,
    analyticsRetentionDays: figure,
    maxMemoryBytes: positive,
    /**
     * The tiered index (issue 20), by key kind from bench:redis-footprint. When given, the index
     * is hot for `coldAfterDays` and cold after (its record read from storage), the search index
     * is added per image, and events cost only while retained; `bytesPerImage` is then unused.
     */
    tiers: z
      .object({
        hotIndexBytesPerImage: figure,
        coldIndexBytesPerImage: figure,
        coldAfterDays: figure,
        searchBytesPerImage: figure,
        eventBytesPerImage: figure,
        eventRetentionHours: figure,
        replicasPerPrimary: figure,
        /** Primaries one Redis Cluster runs well (its specification: up to 1,000 nodes, replicas included). */
        maxPrimaries: positive,
      })
      .optional(),
  }),
  storage: z.object({ averageOriginalBytes: positive, variantBytesPerImage: figure, manifestBytesPerImage: figure, objectsWrittenPerImage: figure }),
});

export type Figures = z.output<typeof figuresSchema>;

/** Parses the file's JSON, every problem named by its path. */
export function parseFigures(json: unknown): Figures {
  const parsed = figuresSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new Error(`bad figures: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}
