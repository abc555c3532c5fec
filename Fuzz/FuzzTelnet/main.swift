import FuzzKit

// Fuzz build (scripts/fuzz): libFuzzer drives TelnetHarness.check. Plain build: replays files.
#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.test(data, size, TelnetHarness.check)
}

FuzzDriver.runLibFuzzer(fuzzTestOneInput)
#else
FuzzDriver.replay(name: "FuzzTelnet", TelnetHarness.check)
#endif
