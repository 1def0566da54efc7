package assets

import _ "embed"

// CommonPasswords is the blocklist of common passwords (ACC-2): one a line,
// lower case, no duplicates, about 2,000 entries of at least 4 characters.
// It was written by hand from the well-known top lists of public breach
// statistics (RockYou, the CSDN and 12306 leaks, yearly top-password lists),
// not copied from a leaked file, with the Chinese internet's favourites
// (5201314, woaini1314, qq123456, pinyin names) next to the English ones.
// Variants (digits, symbols or a year added, letter substitutions, keyboard
// walks) are caught by model's check, so the list holds base forms. It is a
// string so that nobody can change it.
//
//go:embed passwords/common.txt
var CommonPasswords string
