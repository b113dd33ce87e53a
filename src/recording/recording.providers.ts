// The command side as providers: the same handlers serve the HTTP routes and the command line.

import type { Provider } from '@nestjs/common';
import { AnchorDirectory } from '../anchors/anchor-directory';
import { ListAnchorsHandler, PutAnchorHandler } from '../anchors/anchor-commands';
import { CorrectRecordHandler, RecordFactHandler, RetractRecordHandler } from './record-commands';
import { GetRecordHandler } from './get-record';

export const RECORDING_PROVIDERS: Provider[] = [
  AnchorDirectory,
  RecordFactHandler,
  CorrectRecordHandler,
  RetractRecordHandler,
  GetRecordHandler,
  PutAnchorHandler,
  ListAnchorsHandler,
];
