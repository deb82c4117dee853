export type { DeliveryTargetKind, NdcRenderTarget, NoticeContent, NoticeRenderer, RenderedNotice } from './notice-renderer.ts';
export { buildJsonNotice, renderJsonNotice, JSON_CONTENT_TYPE, type JsonNotice } from './json-notice.ts';
