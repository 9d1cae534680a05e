// What an attempt's result means for a delivery (delivered, try again later, give up), and when the next
// attempt is. Pure.

/** The waits before each retry; a delivery is attempted at most `delaysMs.length + 1` times. */
export interface RetryPolicy {
  delaysMs: readonly number[];
}

/** The first attempt at once, then retries after 1 s, 5 s, 30 s, 2 min and 10 min: six attempts in all. */
export const DEFAULT_RETRY: RetryPolicy = { delaysMs: [1_000, 5_000, 30_000, 120_000, 600_000] };

export type AttemptVerdict = 'delivered' | 'retry' | 'failed';

/** An HTTP answer: 2xx delivered; 408 and 429 and 5xx retried; any other (4xx, a redirect, which is not
 * followed, 1xx) failed for good. */
export function verdictOfStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'failed';
}

/** sendmail's exit: 0 delivered (handed to the mail system); EX_TEMPFAIL (75), EX_OSERR (71), EX_IOERR (74) and
 * a signal retried; any other code (a bad address, no such user, a usage error) failed for good. */
export function verdictOfSendmail(exitCode: number | null): AttemptVerdict {
  if (exitCode === 0) return 'delivered';
  if (exitCode === null || exitCode === 75 || exitCode === 71 || exitCode === 74) return 'retry';
  return 'failed';
}

/** The wait before attempt `attempts + 1` after `attempts` attempts that asked for a retry; undefined: no more. */
export function nextDelay(policy: RetryPolicy, attempts: number): number | undefined {
  return attempts >= 1 && attempts <= policy.delaysMs.length ? policy.delaysMs[attempts - 1] : undefined;
}
