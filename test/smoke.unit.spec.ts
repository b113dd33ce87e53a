import { parsePosition } from '../src/store/event-store';
test('positions', () => { expect(parsePosition('18446744073709551615')).toBe(18446744073709551615n); expect(parsePosition('01')).toBeUndefined(); });
