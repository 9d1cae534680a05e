/**
 * `everyInterval`: runs `round` now and then every `intervalMs`, one round at a time (a slow round delays the next
 * rather than overlapping it). The returned stop clears the timer and resolves once the round in flight ended. The
 * edge's and the loopback guard's keepers run on it.
 */
export function everyInterval(intervalMs: number, round: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> = round();
  const timer = setInterval(() => {
    running = running.then(round);
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
