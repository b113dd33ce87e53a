// What changes a record after it is made, and what defines the anchors records commemorate.

import { DescribedSchema } from './described';
import type { AnchorData, CountryCode, FactChanges, PartialDate } from '../../domain/events';
import { IsCountryCode } from './constraints';
import { ChangesField, CodeListField, DateField, MAX_ITEMS, MAX_LENGTH, RevisionField, TextField } from './fields';

@DescribedSchema({ name: 'CorrectionBody' })
export class CorrectionBody {
  @RevisionField({ description: 'The revision the correction was made against; a stale one is refused with 409.' })
  expectedRevision!: number;

  @ChangesField({
    description:
      "Any of the record's own fields, each replacing the old value whole and validated as on creation; " +
      'null removes an optional field.',
    example: { occurredOn: '2020-10-21' },
  })
  changes!: FactChanges;

  @TextField(MAX_LENGTH.text, { description: 'Why the record was wrong.' })
  reason!: string;
}

@DescribedSchema({ name: 'RetractionBody' })
export class RetractionBody {
  @TextField(MAX_LENGTH.text, { description: 'Why the record should never have been made.' })
  reason!: string;

  @RevisionField({ optional: true, description: 'When given, a stale revision is refused with 409.' })
  expectedRevision?: number;
}

@DescribedSchema({ name: 'AnchorBody', description: 'A historical event that records commemorate.' })
export class AnchorBody implements Omit<AnchorData, 'anchorId'> {
  @TextField(MAX_LENGTH.name, { example: 'Korean War Armistice Agreement' })
  name!: string;

  @DateField({ example: '1953-07-27' })
  date!: PartialDate;

  @CodeListField(IsCountryCode, { min: 1, max: MAX_ITEMS.countries, example: ['KP', 'CN', 'US'] })
  countries!: CountryCode[];

  @TextField(MAX_LENGTH.text, { optional: true })
  description?: string;
}
