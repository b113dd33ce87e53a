// The shapes facts are built of: who acted, where, and who reported it.

import { DescribedSchema } from './described';
import type { Actor, CountryCode, PartialDate, Place, Source } from '../../domain/events';
import { CountryField, DateField, MAX_LENGTH, TextField, UrlField } from './fields';

@DescribedSchema({ name: 'Actor', description: 'A person acting for a country.' })
export class ActorDto implements Actor {
  @TextField(MAX_LENGTH.name, { description: 'The person, as the sources name them.', example: 'Kim Jong-un' })
  name!: string;

  @TextField(MAX_LENGTH.name, { optional: true, description: 'Their office at the time.', example: 'Chairman of the State Affairs Commission' })
  role?: string;

  @CountryField({ description: 'The country they acted for.' })
  country!: CountryCode;
}

/** What a place and a site share; they differ only in whether the name is required. */
abstract class PlaceFields {
  @CountryField({ description: 'The country the place is in.' })
  country!: CountryCode;

  @TextField(MAX_LENGTH.name, { optional: true, description: 'A town, county or region.', example: 'Hoechang County, South Pyongan Province' })
  locality?: string;
}

@DescribedSchema({ name: 'Place', description: 'Where something happened or stands.' })
export class PlaceDto extends PlaceFields implements Place {
  @TextField(MAX_LENGTH.name, { optional: true, description: 'The site itself, when there is one.' })
  name?: string;
}

@DescribedSchema({ name: 'Site', description: 'A named memorial site or cemetery.' })
export class SiteDto extends PlaceFields implements Place {
  @TextField(MAX_LENGTH.name, { description: 'The memorial or cemetery.', example: "Cemetery of the Chinese People's Volunteers" })
  name!: string;
}

@DescribedSchema({ name: 'Source', description: 'Where the record comes from.' })
export class SourceDto implements Source {
  @TextField(MAX_LENGTH.name, { description: 'The news agency, paper or institution.', example: 'The Korea Herald' })
  publisher!: string;

  @TextField(MAX_LENGTH.title, { optional: true, example: "N. Korea's leader pays respect to fallen Chinese soldiers in Korean War" })
  title?: string;

  @UrlField({ optional: true })
  url?: string;

  @DateField({ optional: true, description: 'When the source was published.' })
  publishedOn?: PartialDate;
}
