import type { Meter } from '@opentelemetry/api';

export type UploadMetrics = ReturnType<typeof createUploadMetrics>;

export function createUploadMetrics(meter: Meter) {
  return {
    uploads: meter.createCounter('imgsvc_uploads', {
      description: 'Uploads by outcome (created, deduplicated, rejected) and rejection reason',
    }),
    uploadBytes: meter.createCounter('imgsvc_upload_received_bytes', {
      description: 'Bytes received in upload bodies that were read to the end',
      unit: 'By',
    }),
  };
}
