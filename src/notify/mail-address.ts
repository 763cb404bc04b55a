// A mail address from the config file or the command line ends up in an SMTP envelope and a mail
// header. It is parsed whole, and the parse is checked against nodemailer's own, so the address
// checked is the address sent: no second address after a comma, no CR/LF, no stray <...>.
import addressparser from 'nodemailer/lib/addressparser';
import { isIPv4 } from 'node:net';
import { isHostname, quoteValue } from '../config/validate.js';
import { hasControl } from '../text/escape-control.js';

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// a display name: plain words, or one double-quoted string without quotes or backslashes inside
const PHRASE = /^[^<>,;:@"\\()[\]]*$/;
const QUOTED = /^"[^"\\]*"$/;

function checkBareAddress(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at < 0) return 'there is no @';
  if (!LOCAL_PART.test(local) || local.length > 64) return 'the part before @ is not a plain mailbox name';
  const literal = /^\[(.*)\]$/.exec(domain)?.[1];
  if (literal !== undefined ? !isIPv4(literal) : !isHostname(domain)) return 'the part after @ is not a host name';
  return undefined;
}

/**
 * Says why `text` is not one mail address ("ops@example.com" or "Ops Team <ops@example.com>"),
 * or undefined when it is. Control characters anywhere, a second address, a group, comments and
 * quoted local parts are refused. Pure.
 */
export function checkMailAddress(text: string): string | undefined {
  if (hasControl(text)) return `${quoteValue(text)} holds control characters (a line break would add mail headers)`;
  const match = /^\s*(?:(.*?)\s*<([^<>]*)>|([^<>\s]+))\s*$/.exec(text);
  const display = match?.[1] ?? '';
  const address = match?.[2] ?? match?.[3];
  if (match === null || address === undefined) return `${quoteValue(text)} is not one address like ops@example.com or "Ops <ops@example.com>"`;
  if (!PHRASE.test(display) && !QUOTED.test(display)) return `${quoteValue(text)}: the name before <...> holds one of <>,;:@"\\()[] (write it in double quotes, without quotes or backslashes inside)`;
  const problem = checkBareAddress(address);
  if (problem) return `${quoteValue(text)}: ${problem}`;
  // what nodemailer will put in the envelope and the header must be what was checked
  const parsed = addressparser(text);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (only === undefined || !('address' in only) || only.address !== address) return `${quoteValue(text)} does not read as the single address ${quoteValue(address)}`;
  return undefined;
}
