// Preloaded (NODE_OPTIONS=--import) into a CLI process whose clock must be wrong: every `new Date()`
// and `Date.now()` is CLOCK_OFFSET_MS away from the real time, as on a controller whose clock is
// off. The release lock must judge expiry on the target's clock all the same (docs/lock.md#clocks).
const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const RealDate = Date;
class OffsetDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = OffsetDate;
