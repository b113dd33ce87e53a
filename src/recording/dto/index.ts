export { IsAnchorId, IsCountryCode, IsPartialDate, isAnchorId, ANCHOR_ID_MAX_LENGTH } from './constraints';
export { MAX_ITEMS, MAX_LENGTH } from './fields';
export { ActorDto, PlaceDto, SiteDto, SourceDto } from './shapes';
export {
  FACT_BODIES,
  FactBody,
  MonumentAnnouncementBody,
  MonumentDto,
  StatementBody,
  VisitBody,
  WreathBody,
  type FactInput,
} from './facts';
export { AnchorBody, CorrectionBody, RetractionBody } from './lifecycle';
