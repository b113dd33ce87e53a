// Request bodies drawn from the news reports in shared/seeds, for the HTTP tests.

export const ANCHORS = {
  'cpv-entry-korean-war': { name: "Chinese People's Volunteers enter the Korean War", date: '1950-10-25', countries: ['CN', 'KP'] },
  'korean-war-armistice': { name: 'Korean War Armistice Agreement', date: '1953-07-27', countries: ['KP', 'CN', 'US', 'KR'] },
} as const;

const koreaHerald = { publisher: 'The Korea Herald', title: "N. Korea's leader pays respect to fallen Chinese soldiers in Korean War", publishedOn: '2020-10-22' };

export const visit = () => ({
  occurredOn: '2020-10-22',
  summary: "Kim Jong-un visits the cemetery of the Chinese People's Volunteers in Hoechang County around the 70th anniversary of their entry into the war",
  visitor: { name: 'Kim Jong-un', role: 'Chairman of the State Affairs Commission', country: 'KP' },
  site: { name: "Cemetery of the Chinese People's Volunteers", locality: 'Hoechang County', country: 'KP' },
  countries: ['CN'],
  commemorates: ['cpv-entry-korean-war'],
  sources: [koreaHerald],
});

export const wreath = () => ({
  occurredOn: '2020-10-22',
  summary: "Xi Jinping sends a basket of flowers to the cemetery of the Chinese People's Volunteers in Hoechang",
  sender: { name: 'Xi Jinping', role: 'President', country: 'CN' },
  site: { name: "Cemetery of the Chinese People's Volunteers", locality: 'Hoechang County', country: 'KP' },
  tribute: 'flower-basket',
  deliveredBy: { name: 'Chinese ambassador to the DPRK', role: 'Ambassador', country: 'CN' },
  commemorates: ['cpv-entry-korean-war'],
  sources: [koreaHerald],
});

export const monument = () => ({
  occurredOn: '2025',
  summary: "Sergei Lavrov announces in Wonsan a monument to the joint Soviet-Korean struggle against Japanese militarism, in the 'Patriots' park",
  monument: { name: 'Monument to the joint struggle of the Soviet Union and Korea', kind: 'new', place: { name: "Military-patriotic park 'Patriots'", locality: 'Moscow region', country: 'RU' } },
  announcedBy: { name: 'Sergei Lavrov', role: 'Minister of Foreign Affairs', country: 'RU' },
  announcedAt: { locality: 'Wonsan', country: 'KP' },
  countries: ['KP', 'SU'],
  sources: [{ publisher: 'TASS' }],
});

export const statement = () => ({
  occurredOn: '2023-04-24',
  summary: 'DPRK ambassador Sin Hong-chol tells TASS that monuments to Soviet soldiers are carefully looked after in North Korea',
  speaker: { name: 'Sin Hong-chol', role: 'Ambassador of the DPRK to Russia', country: 'KP' },
  venue: 'interview with TASS',
  quote: 'We cherish the tradition of Korean-Russian friendship and solidarity',
  language: 'ru',
  place: { locality: 'Moscow', country: 'RU' },
  countries: ['RU', 'SU'],
  sources: [{ publisher: 'TASS', publishedOn: '2023-04-24' }],
});

export const BODIES = { visits: visit, wreaths: wreath, 'monument-announcements': monument, statements: statement } as const;
