//! Field descriptions: what the edit form draws and what validation checks.

/// What sort of value a field holds.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    Text,
    /// Absolute http(s) URL.
    Url,
    /// Write-only: never shown, only replaced.
    Secret,
    Bool,
    /// One of a fixed list; `depends_on` names the field that decides the list.
    Enum {
        options: Vec<&'static str>,
        depends_on: Option<&'static str>,
    },
    /// Whole number within an inclusive range.
    Integer {
        min: i64,
        max: i64,
    },
    /// RFC 4122 UUID in its hyphenated text form.
    Uuid,
    /// String keys to string values; values are secrets, merged key by key.
    KeyValue,
    /// Any JSON object.
    Json,
}

/// Whether the panel may read and write a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Editable,
    /// Shown, never sent.
    ReadOnly,
    /// Sent, never returned by the server (secrets, Respan's extra_kwargs).
    WriteOnly,
}

/// One field of a gateway's provider, as its document describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: FieldKind,
    pub access: Access,
    /// Must be in every update request, changed or not (Libredesk).
    pub always_sent: bool,
    /// Cannot be empty.
    pub required: bool,
    /// `null` is a value with a meaning ("inherit the platform default").
    pub nullable: bool,
    /// What `null` means, in a word for previews and cards ("inherit").
    pub null_short: &'static str,
    /// What `null` means, as the form's choice ("Inherit the platform default").
    pub null_choice: &'static str,
    /// Why the field cannot be changed on this provider, if it cannot.
    pub locked: Option<&'static str>,
}

impl Field {
    /// An editable field of the given kind with no extra rules.
    pub fn new(name: &'static str, label: &'static str, kind: FieldKind) -> Self {
        Field {
            name,
            label,
            help: "",
            kind,
            access: Access::Editable,
            always_sent: false,
            required: false,
            nullable: false,
            null_short: "",
            null_choice: "",
            locked: None,
        }
    }

    /// Adds help text.
    pub fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    /// Marks the field read-only.
    pub fn read_only(mut self) -> Self {
        self.access = Access::ReadOnly;
        self
    }

    /// Marks the field write-only.
    pub fn write_only(mut self) -> Self {
        self.access = Access::WriteOnly;
        self
    }

    /// Marks the field as sent with every update.
    pub fn always_sent(mut self) -> Self {
        self.always_sent = true;
        self
    }

    /// Refuses the empty value.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Makes `null` a value: `short` names it in previews and cards ("inherit"), `choice`
    /// is the form's checkbox for it ("Inherit the platform default").
    pub fn nullable(mut self, short: &'static str, choice: &'static str) -> Self {
        self.nullable = true;
        self.null_short = short;
        self.null_choice = choice;
        self
    }

    /// Locks the field on this provider, with the reason shown to the user.
    pub fn locked_because(mut self, why: &'static str) -> Self {
        self.locked = Some(why);
        self
    }

    /// True when the user may change it here.
    pub fn is_editable(&self) -> bool {
        self.access != Access::ReadOnly && self.locked.is_none()
    }

    /// True for values that must never be displayed once saved.
    pub fn is_secret(&self) -> bool {
        matches!(self.kind, FieldKind::Secret | FieldKind::KeyValue)
            || (self.access == Access::WriteOnly)
    }
}
