// A sleep that can be cut short: inputs wait on it between polls, and a change notification,
// stop() or new data rings it. A ring while nobody waits is kept for the next wait.

export class Wake {
  private release: (() => void) | null = null
  private rung = false

  /** Ends the current wait now, or the next one at once. */
  ring(): void {
    const release = this.release
    if (release !== null) {
      this.release = null
      release()
    } else this.rung = true
  }

  /** Resolves after `ms`, or sooner when rung. */
  wait(ms: number): Promise<void> {
    if (this.rung) {
      this.rung = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.release = null
        resolve()
      }, ms)
      this.release = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}
