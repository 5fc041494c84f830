/**
 * The two metrics the Kubernetes autoscalers read (cdk8s/hpa.ts, the prometheus-adapter rules in
 * the chart): named once, so renaming one cannot silently stop a role from scaling.
 */
/** HTTP requests being handled by this process now: a Pods metric for upload and origin. */
export const IN_FLIGHT_METRIC = 'imgsvc_http_requests_in_flight';
/** Resize jobs waiting in the stream (the same value from every resizer): an External metric. */
export const QUEUE_LAG_METRIC = 'imgsvc_resize_queue_lag';
