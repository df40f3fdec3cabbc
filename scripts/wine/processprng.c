/* Test only, never shipped: Wine 8's bcryptprimitives.dll lacks ProcessPrng, which Rust's std
 * imports on Windows since Rust 1.78 (HashMap seeds). This stand-in forwards to
 * SystemFunction036 (RtlGenRandom, in advapi32), which Wine has. Windows 10 and later have
 * ProcessPrng themselves. Built by scripts/smoke-dist.sh with mingw and put next to the exe
 * only in the test folder, with WINEDLLOVERRIDES=bcryptprimitives=n. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
