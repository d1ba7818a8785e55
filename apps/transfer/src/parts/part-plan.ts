/** What the destination allows for a chunked write (its connector's features). */
export interface PartLimits {
  minPartSize: number;
  maxPartSize: number;
  maxParts: number;
}

/** One byte range of the file, written as one part upstream. */
export interface PlannedPart {
  /** Upstream part number: parts are committed in ascending number. */
  number: number;
  /** Part numbers number..number+width-1 are this part's to give to its pieces when it is split. */
  width: number;
  offset: number;
  size: number;
}

/**
 * Every part cut from the file gets GAP part numbers, so a part split later
 * (a stall) gives its pieces numbers between it and the next part: S3 and
 * Azure commit parts in ascending number, with gaps allowed. 16 = four halvings.
 */
export const NUMBER_GAP = 16;
/** Consecutive fast parts after which the part size doubles again (up to the planned size). */
export const GROW_AFTER = 4;

/**
 * Cuts a file into parts as the copy goes (rclone's chunked writer, made
 * adaptive): parts start at the planned size; a part that stalls is split in
 * two and new parts are cut at half the size, down to the destination's
 * minimum; after GROW_AFTER fast parts in a row the size doubles back up to the
 * plan. The cursor (next offset, next slot of part numbers) resumes from the
 * parts already stored.
 */
export class PartPlan {
  readonly plannedSize: number;
  private size: number;
  private fastRun = 0;
  private nextOffset: number;
  private nextSlot: number;
  private readonly slots: number;

  constructor(readonly fileSize: number, readonly limits: PartLimits, preferred: number, existing: Array<Pick<PlannedPart, 'number' | 'offset' | 'size'>> = []) {
    this.slots = Math.max(1, Math.floor(limits.maxParts / NUMBER_GAP));
    const fitting = Math.ceil(fileSize / this.slots);
    this.plannedSize = Math.min(limits.maxPartSize, Math.max(preferred, limits.minPartSize, fitting, 1));
    if (Math.ceil(fileSize / this.plannedSize) > this.slots) throw new Error(`A file of ${fileSize} bytes does not fit ${limits.maxParts} parts of at most ${limits.maxPartSize} bytes.`);
    this.size = this.plannedSize;
    this.nextOffset = existing.reduce((end, p) => Math.max(end, p.offset + p.size), 0);
    this.nextSlot = existing.reduce((slot, p) => Math.max(slot, Math.floor((p.number - 1) / NUMBER_GAP) + 1), 0);
  }

  /** The size new parts are cut at now. */
  get partSize(): number {
    return this.size;
  }

  get done(): boolean {
    return this.nextOffset >= this.fileSize;
  }

  /** The next part of the file, or null when every byte has a part. */
  cut(): PlannedPart | null {
    if (this.done) return null;
    const remaining = this.fileSize - this.nextOffset;
    const slotsLeft = this.slots - this.nextSlot;
    // Never cut so small that the rest would not fit the part numbers left.
    const size = Math.min(remaining, Math.max(this.size, Math.ceil(remaining / slotsLeft)));
    const part = { number: this.nextSlot * NUMBER_GAP + 1, width: NUMBER_GAP, offset: this.nextOffset, size };
    this.nextOffset += size;
    this.nextSlot += 1;
    return part;
  }

  /**
   * Two halves of a part that stalled, or null when it cannot be split (no part
   * numbers left between it and the next, or a half would be under the
   * destination's minimum). Also halves the size of parts cut from now on.
   */
  split(part: PlannedPart): [PlannedPart, PlannedPart] | null {
    this.fastRun = 0;
    this.size = Math.max(this.limits.minPartSize, Math.floor(this.size / 2), 1);
    if (part.width < 2) return null;
    const head = Math.ceil(part.size / 2);
    const tail = part.size - head;
    const last = part.offset + part.size === this.fileSize;
    if (tail < 1 || head < this.limits.minPartSize || (!last && tail < this.limits.minPartSize)) return null;
    const w = Math.floor(part.width / 2);
    return [
      { number: part.number, width: w, offset: part.offset, size: head },
      { number: part.number + w, width: part.width - w, offset: part.offset + head, size: tail },
    ];
  }

  /** A part finished without a stall: after a run of them the size grows back toward the plan. */
  succeeded(): void {
    this.fastRun += 1;
    if (this.fastRun >= GROW_AFTER && this.size < this.plannedSize) {
      this.size = Math.min(this.plannedSize, this.size * 2);
      this.fastRun = 0;
    }
  }
}
