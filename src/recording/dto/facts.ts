// The four facts as an archivist records them: one body per recording route.

import { DescribedSchema } from './described';
import {
  MONUMENT_KINDS,
  TRIBUTES,
  type CountryCode,
  type FactCommon,
  type FactsByType,
  type FactType,
  type MonumentFact,
  type MonumentKind,
  type PartialDate,
  type Tribute,
} from '../../domain/events';
import { IsAnchorId, IsCountryCode } from './constraints';
import { ChoiceField, CodeListField, DateField, MAX_ITEMS, MAX_LENGTH, NestedField, NestedListField, TextField } from './fields';
import { ActorDto, PlaceDto, SiteDto, SourceDto } from './shapes';

/** A fact as a body carries it: `commemorates` and `countries` may be left out. */
export type FactInput<T extends FactType> = Omit<FactsByType[T], 'commemorates' | 'countries'> &
  Partial<Pick<FactCommon, 'commemorates' | 'countries'>>;

/** The fields every fact has, whatever its kind. */
export abstract class FactBody {
  @DateField({ description: 'When it happened, as precisely as the sources say.', example: '2020-10-22' })
  occurredOn!: PartialDate;

  @TextField(MAX_LENGTH.text, { description: 'What happened, in a sentence or two.' })
  summary!: string;

  @NestedListField(() => SourceDto, { min: 1, max: MAX_ITEMS.sources })
  sources!: SourceDto[];

  @CodeListField(IsAnchorId, {
    optional: true,
    max: MAX_ITEMS.commemorates,
    description: 'The anchors (historical events) it commemorates; each must already be defined.',
    example: ['korean-war-armistice'],
  })
  commemorates?: string[];

  @CodeListField(IsCountryCode, {
    optional: true,
    max: MAX_ITEMS.countries,
    description: "Further countries taking part, besides the actors' and the places' own.",
    example: ['CN'],
  })
  countries?: CountryCode[];
}

@DescribedSchema({ name: 'Monument' })
export class MonumentDto implements Readonly<MonumentFact['monument']> {
  @TextField(MAX_LENGTH.name, { example: 'Monument to the joint struggle of the Soviet Union and the DPRK against Japanese militarism' })
  name!: string;

  @ChoiceField(MONUMENT_KINDS, { description: 'What happens to it.' })
  kind!: MonumentKind;

  @NestedField(() => PlaceDto, { description: 'Where it stands.' })
  place!: PlaceDto;
}

@DescribedSchema({ name: 'MonumentAnnouncementBody', description: 'A monument or memorial announced, erected, restored or remodelled.' })
export class MonumentAnnouncementBody extends FactBody implements FactInput<'MonumentAnnounced'> {
  @NestedField(() => MonumentDto)
  monument!: MonumentDto;

  @NestedField(() => ActorDto, { description: 'Who announced it.' })
  announcedBy!: ActorDto;

  @NestedField(() => PlaceDto, { optional: true, description: 'Where it was announced.' })
  announcedAt?: PlaceDto;
}

@DescribedSchema({ name: 'VisitBody', description: 'A visit to a memorial site or cemetery.' })
export class VisitBody extends FactBody implements FactInput<'VisitMade'> {
  @NestedField(() => ActorDto)
  visitor!: ActorDto;

  @NestedField(() => SiteDto)
  site!: SiteDto;

  @NestedListField(() => ActorDto, { optional: true, max: MAX_ITEMS.delegation, description: 'Who accompanied the visitor.' })
  delegation?: ActorDto[];
}

@DescribedSchema({ name: 'WreathBody', description: 'A wreath, flower basket or flowers laid or sent.' })
export class WreathBody extends FactBody implements FactInput<'WreathSent'> {
  @NestedField(() => ActorDto, { description: 'In whose name it was laid or sent.' })
  sender!: ActorDto;

  @NestedField(() => SiteDto)
  site!: SiteDto;

  @ChoiceField(TRIBUTES)
  tribute!: Tribute;

  @NestedField(() => ActorDto, { optional: true, description: "Who delivered it in the sender's name." })
  deliveredBy?: ActorDto;
}

@DescribedSchema({ name: 'StatementBody', description: 'A statement: a speech, a press conference, an interview.' })
export class StatementBody extends FactBody implements FactInput<'StatementIssued'> {
  @NestedField(() => ActorDto)
  speaker!: ActorDto;

  @TextField(MAX_LENGTH.name, { optional: true, description: 'The venue or medium.', example: 'interview with TASS' })
  venue?: string;

  @TextField(MAX_LENGTH.quote, { optional: true, description: 'The words quoted, in the language of the source.' })
  quote?: string;

  @TextField(MAX_LENGTH.language, { optional: true, description: "The quote's language, preferably a BCP 47 tag.", example: 'en' })
  language?: string;

  @NestedField(() => PlaceDto, { optional: true, description: 'Where it was said.' })
  place?: PlaceDto;
}

/** The body that records each type of fact. */
export const FACT_BODIES = {
  MonumentAnnounced: MonumentAnnouncementBody,
  VisitMade: VisitBody,
  WreathSent: WreathBody,
  StatementIssued: StatementBody,
} as const satisfies Record<FactType, new () => FactBody>;
