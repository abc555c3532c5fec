import FableCore

/// What the session does for the login, in the order `LoginFlow` returns them.
///
/// Screen effects map one to one onto `Screen` calls. The three requests (`lookUp`,
/// `checkPassword`, `create`) are answered by the session through `LoginFlow.lookedUp`,
/// `LoginFlow.failed` or, for a reader who is in, `LoginFlow.loggedIn` and `enterGame`.
enum LoginEffect: Sendable, Equatable {
    /// Written as is (the banner).
    case raw(String)
    case say(String)
    case prompt(String)
    /// Echo off (`true`) while a password is typed, on again after.
    case hideInput(Bool)
    /// A telnet client hid the typed password and its Enter, so the session ends the line itself;
    /// a raw client (`nc`) showed both and needs nothing. The flow does not know which client it
    /// has (telnet negotiation may answer after the login began): the session decides.
    case endSecretLine
    /// Find the account with this name (case-insensitive) and answer with `lookedUp`.
    case lookUp(String)
    /// Throttle, verify and, if it matches, let the reader in; else answer with `failed`.
    case checkPassword(name: String, password: String)
    /// Hash the password, make the account and let the reader in; else answer with `failed`.
    case create(name: String, password: String)
    /// The reader said goodbye: close the connection.
    case quit
}

/// Why a password check or an account creation did not let the reader in.
enum LoginFailure: Sendable, Equatable {
    /// The login throttle holds this name or address for `wait` more.
    case throttled(wait: Duration)
    /// Wrong password, or no account with that name (the reader is not told which).
    case mismatch
    /// The store refused the new account (the name is taken).
    case refused(AccountError)
    /// Hashing or the store failed for another reason.
    case creationFailed

    /// What the reader is told.
    var message: String {
        switch self {
        case .throttled(let wait):
            return "Too many failed logins. Try again in \(wait.components.seconds + 1) seconds."
        case .mismatch:
            return "That name and password do not match."
        case .refused(let error):
            return "\(error.description.capitalizedFirst); choose another."
        case .creationFailed:
            return "The reader could not be made just now; please try again."
        }
    }
}
