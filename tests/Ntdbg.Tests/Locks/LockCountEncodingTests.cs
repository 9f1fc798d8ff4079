using Ntdbg.Analyses.Locks;

namespace Ntdbg.Tests.Locks;

/// <summary>
/// LockCount as the two encodings define it: the modern one (Server 2003 SP1 on: bit 0 clear =
/// locked, bit 1 clear = a waiter was woken, the rest the ones' complement of the waiter count — the
/// documentation's example −22 is locked, no waiter woken, five waiting), and the legacy one Wine
/// keeps (−1 free, else entries past the first, so recursion is not counted as waiting).
/// </summary>
public sealed class LockCountEncodingTests
{
    private static CriticalSectionInfo Cs(int lockCount, int recursion, ulong owner) =>
        new(0x1000, null, 0, lockCount, recursion, owner, 0, 0, null, null, "test");

    [Fact]
    public void ModernEncodingDecodesLockedWokenAndWaiters()
    {
        var c = Cs(-22, 1, 0x44);
        Assert.Equal(LockCountEncoding.Modern, c.Encoding);
        Assert.True(c.Locked);
        Assert.Equal(5, c.Waiters);
        Assert.False(c.WaiterWoken);
        Assert.Equal(0x44u, c.OwnerThreadId);
        var locked = Cs(-2, 1, 0x44); // taken, nobody waiting
        Assert.True(locked.Locked);
        Assert.Equal(0, locked.Waiters);
        var freeWithWaiters = Cs(-5, 0, 0); // released, one waiter not yet in
        Assert.False(freeWithWaiters.Locked);
        Assert.Equal(1, freeWithWaiters.Waiters);
        Assert.Equal(0u, freeWithWaiters.OwnerThreadId);
    }

    [Fact]
    public void LegacyEncodingCountsWaitersPastTheOwnersEntries()
    {
        Assert.False(Cs(-1, 0, 0).Locked);
        Assert.Equal(LockCountEncoding.Free, Cs(-1, 0, 0).Encoding);
        var one = Cs(0, 1, 0x10);
        Assert.Equal((true, 0), (one.Locked, one.Waiters));
        var waited = Cs(2, 1, 0x10);
        Assert.Equal((LockCountEncoding.Legacy, 2), (waited.Encoding, waited.Waiters));
        var recursive = Cs(3, 3, 0x10); // the owner entered three times, one other thread waits
        Assert.Equal(1, recursive.Waiters);
        Assert.Null(recursive.WaiterWoken);
    }
}
