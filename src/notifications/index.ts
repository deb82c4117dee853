export type { DeliveryTargetKind, NdcRenderTarget, NoticeContent, NoticeRenderer, RenderedNotice } from './notice-renderer.ts';
export { buildJsonNotice, renderJsonNotice, JSON_CONTENT_TYPE, type JsonNotice } from './json-notice.ts';
export { createNdcNoticeRenderer, isAcknowledgement, noticeMappingName, NDC_XML_CONTENT_TYPE, NOTICE_MAPPINGS_FOLDER, type NdcNoticeRendererOptions } from './ndc-notice-renderer.ts';
