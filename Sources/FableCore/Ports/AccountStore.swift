import Foundation

/// How a reader likes the screen and the story; kept with their account.
public struct ReaderSettings: Codable, Sendable, Equatable {
    /// Columns to wrap at; nil follows the client's window size (NAWS), else 78.
    public var width: Int?
    /// Lines per page for `read`; 0 shows everything at once.
    public var pageLines: Int
    /// Plain output for screen readers: no rules or decorations.
    public var screenReader: Bool
    public var preferences: ReaderPreferences

    public init(width: Int? = nil, pageLines: Int = 20, screenReader: Bool = false,
                preferences: ReaderPreferences = .none) {
        self.width = width
        self.pageLines = pageLines
        self.screenReader = screenReader
        self.preferences = preferences
    }

    public static let defaultWidth = 78
    public static let widthRange = 40...200
}

/// A reader (or admin) who logs in to the game server.
public struct Account: Codable, Sendable, Equatable {
    public var id: Int64
    /// As the reader typed it at `create`; names compare case-insensitively.
    public var name: String
    /// The KDF's self-describing output (algorithm, cost, salt, hash).
    public var passwordHash: String
    public var isAdmin: Bool
    public var settings: ReaderSettings
    /// The world the reader was last playing, resumed when they log in again.
    public var lastWorldID: Int64?
    public var createdAt: Date

    public init(id: Int64, name: String, passwordHash: String, isAdmin: Bool = false,
                settings: ReaderSettings = ReaderSettings(), lastWorldID: Int64? = nil, createdAt: Date) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.isAdmin = isAdmin
        self.settings = settings
        self.lastWorldID = lastWorldID
        self.createdAt = createdAt
    }
}

/// Where accounts live; the same database as the worlds.
public protocol AccountStore: Sendable {
    /// Fails with `AccountError.nameTaken` when the name (in any case) exists.
    func createAccount(name: String, passwordHash: String) async throws -> Account
    /// Case-insensitive.
    func account(name: String) async throws -> Account?
    func account(id: Int64) async throws -> Account?
    func saveSettings(accountID: Int64, _ settings: ReaderSettings) async throws
    func setLastWorld(accountID: Int64, worldID: Int64?) async throws
    func setAdmin(name: String, _ isAdmin: Bool) async throws -> Account
}

public enum AccountError: Error, Sendable, Equatable, CustomStringConvertible {
    case nameTaken(String)
    case noSuchAccount(String)

    public var description: String {
        switch self {
        case .nameTaken(let name): return "the name \(name) is taken"
        case .noSuchAccount(let name): return "there is no reader called \(name)"
        }
    }
}
