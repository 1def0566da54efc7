package assets

import _ "embed"

// CommonPasswords is the blocklist of common passwords (ACC-2): one a line,
// lower case, no duplicates, about 2,000 of the passwords that lead the
// public breach statistics — the RockYou, CSDN, 12306 and Tianya leaks and
// the yearly top-password lists — with the Chinese internet's favourites
// (5201314, woaini1314, qq123456, pinyin names) next to the English ones.
// Variants (digits, symbols or a year added, letter substitutions, keyboard
// walks) are caught by model's check, so the list holds base forms. It is a
// string so that nobody can change it.
//
//go:embed passwords/common.txt
var CommonPasswords string
