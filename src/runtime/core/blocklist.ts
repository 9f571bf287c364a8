/**
 * The shipped blocklist (security bar A8): common passwords, the words they are built on,
 * keyboard walks, sequences and repetitions, and the user's own identifiers.
 *
 * Whole passwords come from two sources: the generated `COMMON_PASSWORDS_DATA` (zxcvbn's
 * frequency list, MIT licence; see common-passwords.ts and scripts/build-blocklist.mjs) and the
 * hand-picked `EXTRA_COMMON_PASSWORDS` below. Both are turned into one Set on first use, so
 * importing pow stays cheap.
 *
 * Matching is case-insensitive and done after NFKC, on the password itself and on a folded
 * form: lower-cased, common "leet" substitutions undone, and trailing digits/symbols removed,
 * so "P@ssw0rd2024!" folds to "password". No network is used.
 */
import { COMMON_PASSWORDS_DATA } from './common-passwords.js';

/**
 * Whole passwords that show up at the top of every breach corpus (length >= 8), kept by hand next
 * to the generated list: well-known passphrases and a few that zxcvbn's list lacks.
 */
const EXTRA_COMMON_PASSWORDS = [
  '12345678',
  '123456789',
  '1234567890',
  '12345678910',
  '11111111',
  '00000000',
  '88888888',
  '87654321',
  '987654321',
  '123123123',
  '12341234',
  '11223344',
  '1q2w3e4r',
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  'q1w2e3r4',
  'q1w2e3r4t5',
  'q1w2e3r4t5y6',
  '1qaz2wsx',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'zaq12wsx',
  'zaq1zaq1',
  'zaq12wsxcde3',
  'qazwsxedc',
  'qazwsxedcrfv',
  'qwertyuiop',
  'qwertyuiopasdfghjkl',
  'qwertyuiopasdfghjklzxcvbnm',
  'asdfghjkl',
  'qwerty123',
  'qwerty1234',
  'qwerty12345',
  '1234qwer',
  'qwer1234',
  'abcd1234',
  'abc12345',
  'a1b2c3d4',
  'aa123456',
  'a123456789',
  '123456789a',
  '1234abcd',
  'password',
  'password1',
  'password12',
  'password123',
  'password1234',
  'passwordpassword',
  'iloveyou',
  'iloveyou1',
  'iloveyou2',
  'iloveyouiloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'basketball',
  'superman',
  'batman123',
  'starwars',
  'whatever',
  'trustno1',
  'letmein1',
  'letmeinletmein',
  'welcome1',
  'welcome123',
  'welcomewelcome',
  'changeme',
  'changeme123',
  'administrator',
  'admin123',
  'admin1234',
  'adminadmin',
  'rootroot',
  'default1',
  'michelle',
  'jennifer',
  'computer',
  'corvette',
  'mercedes',
  'liverpool',
  'chelsea1',
  'arsenal1',
  'manchester',
  'blink182',
  'monkey123',
  'dragon123',
  'master123',
  'shadow123',
  'michael1',
  'jordan23',
  'charlie1',
  'jessica1',
  'babygirl',
  'babygirl1',
  'lovelove',
  'hellohello',
  'helloworld',
  'hello123',
  'freedom1',
  'whatever1',
  'internet',
  'samsung1',
  'linkedin',
  'facebook',
  'myspace1',
  'pokemon1',
  'minecraft',
  'fortnite',
  'naruto123',
  'spiderman',
  'chocolate',
  'butterfly',
  'sweetheart',
  'elephant',
  'anything',
  'everything',
  'nothing1',
  'secret123',
  'mypassword',
  'yourpassword',
  'thepassword',
  'correcthorsebatterystaple',
  'thequickbrownfox',
  'thequickbrownfoxjumpsoverthelazydog',
  'loremipsumdolorsitamet',
  'opensesame',
  'letmeinplease',
  'iloveyoubaby',
  'iloveyoumom',
  'mustang1',
  'access14',
  'ncc1701d',
  'q1w2e3r4t5y6u7i8o9p0',
  '1234567890qwertyuiop',
];

/** Words that common passwords are built on; a password that folds to one of these is refused. */
const BASE_WORDS = [
  'password',
  'passwort',
  'motdepasse',
  'contraseña',
  'qwerty',
  'qwertz',
  'azerty',
  'iloveyou',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'monkey',
  'dragon',
  'master',
  'shadow',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'soccer',
  'hockey',
  'superman',
  'batman',
  'starwars',
  'trustno',
  'secret',
  'login',
  'changeme',
  'default',
  'summer',
  'winter',
  'spring',
  'autumn',
  'hello',
  'freedom',
  'whatever',
  'qazwsx',
  'abc',
  'test',
  'guest',
  'root',
  'user',
  'love',
  'lovely',
  'pussy',
  'fuckyou',
  'killer',
  'ninja',
  'mustang',
  'michael',
  'jordan',
  'pokemon',
  'minecraft',
  'google',
  'apple',
  'microsoft',
  'samsung',
  'computer',
  'internet',
];

const SEQUENCES = [
  '01234567890123456789',
  'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'zaq1xsw2cde3vfr4bgt5nhy6mju7ki8lo9p0',
  '1q2w3e4r5t6y7u8i9o0p',
  'q1w2e3r4t5y6u7i8o9p0',
];

let commonSet: Set<string> | undefined;

/** NFKC, then lower case: the form list entries are stored in and compared against. */
function canonical(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}

/** All whole-password entries, built on first use. */
function commonPasswords(): Set<string> {
  if (!commonSet) {
    const set = new Set<string>();
    for (const entry of COMMON_PASSWORDS_DATA.split('\n')) if (entry) set.add(entry);
    for (const entry of EXTRA_COMMON_PASSWORDS) set.add(canonical(entry));
    commonSet = set;
  }
  return commonSet;
}

const baseSet = new Set(BASE_WORDS);

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};

function fold(password: string): string {
  const lower = canonical(password);
  // Strip what people append ("2024!", "123") before undoing substitutions in the rest.
  const stem = lower.replace(/[^\p{L}]+$/u, '').replace(/^[^\p{L}]+/u, '');
  return [...stem]
    .map((c) => LEET[c] ?? c)
    .join('')
    .replace(/[\s._-]+/g, '');
}

function isRepetition(value: string): boolean {
  return /^(.{1,6})\1+$/su.test(value);
}

function isSequence(value: string): boolean {
  if (value.length < 6) return false;
  for (const sequence of SEQUENCES) {
    if (sequence.includes(value) || [...sequence].reverse().join('').includes(value)) return true;
  }
  return false;
}

/**
 * True when `password` is a known common password, a keyboard walk or sequence, a repetition
 * of a short unit, or built from one of the common base words or the `context` words (such as
 * the user's e-mail, its local part, or the username).
 */
export function isCommonPassword(password: string, context: string[] = []): boolean {
  const common = commonPasswords();
  const lower = canonical(password);
  const compact = lower.replace(/\s+/g, '');
  if (common.has(lower) || common.has(compact)) return true;
  if (isRepetition(compact) || isSequence(compact)) return true;
  const folded = fold(password);
  if (folded.length === 0) return isSequence(compact) || isRepetition(compact);
  const words = new Set(baseSet);
  for (const word of context) {
    if (typeof word !== 'string') continue;
    const w = canonical(word).trim();
    if (w.length >= 3) {
      words.add(w);
      words.add(fold(w));
      const at = w.lastIndexOf('@');
      if (at > 0) words.add(fold(w.slice(0, at)));
    }
  }
  if (common.has(folded) || words.has(folded)) return true;
  for (const word of words) {
    if (
      word.length >= 3 &&
      folded.length % word.length === 0 &&
      word.repeat(folded.length / word.length) === folded
    ) {
      return true;
    }
  }
  return isRepetition(folded) || isSequence(folded);
}

/**
 * The whole-password entries of the shipped list (NFKC, lower case), for documentation and tests.
 * Every entry is at least 8 code points long (the policy's floor).
 */
export function commonPasswordList(): readonly string[] {
  return [...commonPasswords()];
}
