package spectest

// PasswordCase is a password and whether the API accepts it.
type PasswordCase struct {
	Password string
	Windows  bool
	OK       bool
	Why      string
}

// PasswordCases are the password rules of spec §12 as examples, written from
// the rule's text: Linux 8 to 16 characters with at least two of letters
// (one class for both cases), digits and ()`~!@#$%^&*-+=|{}[]:;',.?/;
// Windows 12 to 16 with at least three of lower case, upper case, digits and
// the same specials without "|".
var PasswordCases = []PasswordCase{
	{"abcdEFGH", false, false, "§12: upper and lower case are one class on Linux"},
	{"abcdefg1", false, true, "letters and digits"},
	{"Passw0rd", false, true, "letters and digits"},
	{"12345678", false, false, "digits only"},
	{"!@#$%^&*", false, false, "specials only"},
	{"abcdefgh!", false, true, "letters and a special"},
	{"1234567!", false, true, "digits and a special"},
	{"@Passw0rd1", false, true, "a leading @ is a special like any other"},
	{"abcdefg|", false, true, "| is a special on Linux"},
	{"abc12", false, false, "shorter than 8"},
	{"abcdefghijklmn123", false, false, "longer than 16"},
	{"abcdefghijklmn12", false, true, "exactly 16"},
	{"abcd 1234", false, false, "a space is no allowed character"},
	{"abcd1234中", false, false, "non-ASCII is no allowed character"},
	{"abcd1234\"", false, false, `" is not a documented special`},
	{"Abcdefghijk|", true, false, "§12: | is not a Windows special"},
	{"Abcdefghijk1|", true, false, "| is refused on Windows"},
	{"Abcdefghijk1", true, true, "lower, upper and digits"},
	{"abcdefghijk1!", true, true, "lower, digits and a special"},
	{"ABCDEFGHIJK1!", true, true, "upper, digits and a special"},
	{"ABCDEFGHIJK1", true, false, "two classes"},
	{"abcdefghijkl", true, false, "one class"},
	{"Abcdefgh1!", true, false, "shorter than 12"},
	{"Abcdefghij1!", true, true, "exactly 12"},
	{"Abcdefghijklmn1!x", true, false, "longer than 16"},
	{"@Passw0rd1234", true, true, "a leading @"},
}
