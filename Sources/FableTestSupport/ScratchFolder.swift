import Foundation

/// Temporary folders for tests, all inside one folder per test process, which is removed
/// when the process exits: a test leaves nothing behind whether it passes, fails or throws,
/// and even while a store it opened still holds its files.
public enum ScratchFolder {
    /// A new empty folder named `prefix-<UUID>`.
    public static func make(_ prefix: String = "fable") -> URL {
        let folder = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The path of `name` in a new folder: a fresh database.
    public static func file(_ name: String, prefix: String = "fable") -> String {
        make(prefix).appendingPathComponent(name).path
    }

    /// Made on first use, which also arranges its removal at exit.
    private static let root: URL = {
        let process = ProcessInfo.processInfo.processIdentifier
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fable-tests-\(process)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { ScratchFolder.removeRoot() }
        return root
    }()

    private static func removeRoot() {
        try? FileManager.default.removeItem(at: root)
    }
}
