import Testing

@testable import FableLoad

@Suite struct MachineDescriptionTests {
    @Test func theFirstProcessorIsNamedWithItsFamilyAndModel() {
        let text = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 26
            model\t\t: 2
            model name\t: AMD EPYC 9R45

            processor\t: 1
            model name\t: Another
            """
        #expect(MachineDescription.processor(fromCPUInfo: text) == "AMD EPYC 9R45 (family 26, model 2)")
        #expect(MachineDescription.processor(fromCPUInfo: "model name\t: Plain\n") == "Plain")
        #expect(MachineDescription.processor(fromCPUInfo: "processor\t: 0\n") == nil)
    }

    @Test func theLineNamesCoresProcessorMemorySystemAndLoad() {
        let machine = MachineDescription(cores: 2, memoryGiB: 23.5, processor: "AMD EPYC", system: "Linux 6.1",
                                         loadAverages: [0.5, 1, 2.25])
        #expect(machine.line == "machine: 2 cores, AMD EPYC, 23.5 GiB, Linux 6.1, load average 0.50 1.00 2.25")
    }
}
