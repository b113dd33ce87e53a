// Waiting, in a test, for something that happens in its own time (a projection catching up, a
// server closing): polls until it holds, and fails naming it if it does not in time.

export async function until(holds: () => boolean | Promise<boolean>, { ms = 5_000, what = 'the awaited condition' } = {}): Promise<void> {
  for (const deadline = Date.now() + ms; !(await holds()); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
  }
}
