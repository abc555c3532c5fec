import Foundation

/// The machine a benchmark ran on, as the first line of `fable load`'s and `fable bench step`'s
/// reports: machines of one kind can differ by a factor of two at the same code, so every
/// figure carries its machine and how busy it was when it started.
public struct MachineDescription: Sendable {
    public var cores: Int
    public var memoryGiB: Double
    /// "AMD EPYC (family 26, model 2)", from /proc/cpuinfo; nil where there is none.
    public var processor: String?
    public var system: String
    /// The 1-, 5- and 15-minute load averages at the start.
    public var loadAverages: [Double]

    public init(cores: Int, memoryGiB: Double, processor: String?, system: String, loadAverages: [Double]) {
        self.cores = cores
        self.memoryGiB = memoryGiB
        self.processor = processor
        self.system = system
        self.loadAverages = loadAverages
    }

    public static func current() -> MachineDescription {
        let info = ProcessInfo.processInfo
        var loads = [Double](repeating: 0, count: 3)
        let read = getloadavg(&loads, 3)
        let cpuInfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        return MachineDescription(cores: info.activeProcessorCount,
                                  memoryGiB: Double(info.physicalMemory) / 1_073_741_824,
                                  processor: cpuInfo.flatMap(processor(fromCPUInfo:)),
                                  system: system(),
                                  loadAverages: read == 3 ? loads : [])
    }

    /// The first processor's name, family and model in /proc/cpuinfo's text.
    public static func processor(fromCPUInfo text: String) -> String? {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty, !fields.isEmpty { break } // the first processor's block ends
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        guard let name = fields["model name"], !name.isEmpty else { return nil }
        guard let family = fields["cpu family"], let model = fields["model"] else { return name }
        return "\(name) (family \(family), model \(model))"
    }

    private static func system() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown system" }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(text(names.sysname)) \(text(names.release))"
    }

    public var line: String {
        var parts = ["\(cores) cores"]
        if let processor { parts.append(processor) }
        parts.append(String(format: "%.1f GiB", memoryGiB))
        parts.append(system)
        if !loadAverages.isEmpty {
            parts.append("load average " + loadAverages.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
        return "machine: " + parts.joined(separator: ", ")
    }
}
