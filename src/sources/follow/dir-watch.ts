import { watch, type FSWatcher } from 'node:fs'

// Change notification for the files of one directory whose names start with a prefix (the log and
// its rotated siblings). fs.watch misses events across some renames and on network or overlay
// filesystems, so inputs also poll with stat; this only makes them react sooner.

export class DirWatch {
  private watcher: FSWatcher | null = null

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly onChange: () => void,
    private readonly enabled: boolean,
  ) {}

  /** Starts watching when not yet watching; a failure (no such directory yet) is retried on the next call. */
  ensure(): void {
    if (this.watcher !== null || !this.enabled) return
    try {
      const w = watch(this.dir, { persistent: false }, (_event, name) => {
        if (name === null || name.startsWith(this.prefix)) this.onChange()
      })
      w.on('error', () => {
        w.close()
        if (this.watcher === w) this.watcher = null
      })
      this.watcher = w
    } catch {
      // The stat poll notices changes meanwhile.
    }
  }

  /** Stops watching. */
  close(): void {
    this.watcher?.close()
    this.watcher = null
  }
}
