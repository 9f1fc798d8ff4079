namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// A counter's CounterType (winperf.h, public): size, kind, timer and display bits, and how a value is
/// cooked from raw samples the way PDH (perfmon, relog) shows it.
/// </summary>
public static class PerfCounterType
{
    public const uint SizeMask = 0x300, SizeDword = 0x000, SizeLarge = 0x100, SizeZero = 0x200;
    public const uint TypeMask = 0xC00, TypeNumber = 0x000, TypeCounter = 0x400, TypeText = 0x800;
    public const uint TimerMask = 0x300000, Timer100Ns = 0x100000, TimerObject = 0x200000;
    public const uint DisplayNoShow = 0x40000000;

    public const uint RawCountHex = 0x00000000, RawCount = 0x00010000, LargeRawCountHex = 0x00000100, LargeRawCount = 0x00010100;
    public const uint CounterCounter = 0x10410400, BulkCount = 0x10410500;
    public const uint QueueLen = 0x00450400, LargeQueueLen = 0x00450500, QueueLen100Ns = 0x00550500, QueueLenObjectTime = 0x00650500;
    public const uint CounterTimer = 0x20410500, CounterTimerInverse = 0x21410500;
    public const uint Timer100Ns_ = 0x20510500, Timer100NsInverse = 0x21510500, ObjectTimeTimer = 0x20610500;
    public const uint MultiTimer = 0x22410500, MultiTimerInverse = 0x23410500, MultiTimer100Ns = 0x22510500, MultiTimer100NsInverse = 0x23510500;
    public const uint RawFraction = 0x20020400, LargeRawFraction = 0x20020500, SampleFraction = 0x20C20400;
    public const uint CounterDelta = 0x00400400, LargeDelta = 0x00400500;
    public const uint AverageTimer = 0x30020400, AverageBulk = 0x40020500, ElapsedTime = 0x30240500;
    public const uint PrecisionSystemTimer = 0x20470500, Precision100NsTimer = 0x20570500, PrecisionObjectTimer = 0x20670500;

    /// <summary>Whether perfmon lists the counter (bases, text and no-data counters are not listed).</summary>
    public static bool IsShown(uint type) => (type & DisplayNoShow) == 0 && (type & TypeMask) != TypeText && (type & SizeMask) != SizeZero;

    /// <summary>Whether the counter's value needs the counter that follows it (its base or precision timestamp).</summary>
    public static bool NeedsBase(uint type) => type is RawFraction or LargeRawFraction or SampleFraction or AverageTimer or AverageBulk
        or PrecisionSystemTimer or Precision100NsTimer or PrecisionObjectTimer or MultiTimer or MultiTimerInverse or MultiTimer100Ns or MultiTimer100NsInverse;

    /// <summary>Whether a value needs two samples (a difference), so the first sample shows none.</summary>
    public static bool NeedsTwoSamples(uint type) => type is not (RawCountHex or RawCount or LargeRawCountHex or LargeRawCount or RawFraction or LargeRawFraction or ElapsedTime);

    /// <summary>
    /// The displayed value from the previous and current raw samples (NaN when it cannot be computed:
    /// no previous sample, time not advancing, a counter reset, an unknown type). Formulas are those
    /// documented for each counter type; N is the raw value, B the base, T the time of the counter's
    /// timer and F its frequency.
    /// </summary>
    public static double Cook(uint type, in RawValue? previous, in RawValue current)
    {
        double n1 = current.Value, b1 = current.Base;
        switch (type)
        {
            case RawCountHex or RawCount or LargeRawCountHex or LargeRawCount:
                return n1;
            case RawFraction or LargeRawFraction:
                return b1 == 0 ? NaN : 100.0 * n1 / b1;
            case ElapsedTime:
                return current.Frequency <= 0 || current.Time < (long)current.Value ? NaN : (current.Time - (double)current.Value) / current.Frequency;
        }
        if (previous is not { } p) return double.NaN;
        if (current.Value < p.Value && type is not (CounterDelta or LargeDelta)) return double.NaN; // counter reset or wrapped
        double dn = (double)(current.Value - p.Value);
        double dt = current.Time - (double)p.Time;
        double db = (double)current.Base - p.Base;
        double f = current.Frequency;
        switch (type)
        {
            case CounterCounter or BulkCount:
                return dt <= 0 || f <= 0 ? NaN : dn / (dt / f);
            case QueueLen or LargeQueueLen or QueueLen100Ns or QueueLenObjectTime:
                return dt <= 0 ? NaN : dn / dt;
            case CounterTimer or Timer100Ns_ or ObjectTimeTimer:
                return dt <= 0 ? NaN : Percent(dn / dt);
            case CounterTimerInverse or Timer100NsInverse:
                return dt <= 0 ? NaN : Percent(1 - dn / dt);
            case MultiTimer or MultiTimer100Ns:
                return dt <= 0 || b1 <= 0 ? NaN : 100.0 * dn / dt / b1;
            case MultiTimerInverse or MultiTimer100NsInverse:
                return dt <= 0 || b1 <= 0 ? NaN : 100.0 * (b1 - dn / dt);
            case SampleFraction or PrecisionSystemTimer or Precision100NsTimer or PrecisionObjectTimer:
                return db <= 0 ? NaN : Percent(dn / db);
            case CounterDelta or LargeDelta:
                return (double)current.Value - p.Value;
            case AverageTimer:
                return db <= 0 || f <= 0 ? (db == 0 ? 0 : NaN) : dn / f / db;
            case AverageBulk:
                return db <= 0 ? (db == 0 ? 0 : NaN) : dn / db;
            default:
                return NaN;
        }
    }

    private const double NaN = double.NaN;

    // PDH clamps percentages of time to 0..100 (rounding between the counter's and the clock's reads).
    private static double Percent(double fraction) => Math.Clamp(100.0 * fraction, 0, 100);
}

/// <summary>One raw reading of a counter: its value, its base (0 if none), and its timer's time and frequency.</summary>
public readonly record struct RawValue(ulong Value, ulong Base, long Time, long Frequency);
