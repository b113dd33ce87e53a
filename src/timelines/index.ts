// The timelines capability, as the app module wires it in, and what the command line needs.

import { Timelines } from './timelines.service';
import { TimelinesController, UpcomingController } from './reading/timelines.controller';
import { CountryTimelineHandler } from './reading/country-timeline';
import { AnchorAnniversariesHandler, AnniversaryCountsHandler } from './reading/anniversaries';
import { UpcomingAnniversariesHandler } from './reading/upcoming';
import { RebuildController } from './rebuilding/rebuild.controller';

export const TIMELINE_CONTROLLERS = [TimelinesController, UpcomingController, RebuildController];

export const TIMELINE_PROVIDERS = [
  Timelines,
  CountryTimelineHandler,
  AnniversaryCountsHandler,
  AnchorAnniversariesHandler,
  UpcomingAnniversariesHandler,
];

export { Timelines } from './timelines.service';
export type { TimelineChange, TimelineScope } from './read-model/reader';
export { rebuildReadModels, type OfflineRebuildOptions } from './rebuilding/rebuild';
export { READ_MODELS_FILE } from './read-model/files';
