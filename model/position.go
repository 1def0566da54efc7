package model

// Position is a member's position class (岗位类别). The classes of seed part 1
// clause 7 hold the whole-company sending right by default (SEND-2).
type Position string

// The position classes, from the top of the company down.
const (
	PositionExecutive         Position = "executive"          // O级及以上领导 (CEO, COO, …)
	PositionRegionalDirector  Position = "regional-director"  // 大区总监
	PositionRegionalAssistant Position = "regional-assistant" // 大区总监助理
	PositionDirector          Position = "director"           // 部门总监、经理
	PositionCEOAssistant      Position = "ceo-assistant"      // CEO办助理
	PositionSecretary         Position = "secretary"          // 秘书
	PositionCOOAssistant      Position = "coo-assistant"      // COO助理
	PositionStaff             Position = "staff"              // 其他员工
)

// Positions lists every position class in order.
var Positions = []Position{
	PositionExecutive, PositionRegionalDirector, PositionRegionalAssistant, PositionDirector,
	PositionCEOAssistant, PositionSecretary, PositionCOOAssistant, PositionStaff,
}

var positionZH = map[Position]string{
	PositionExecutive:         "O级及以上领导",
	PositionRegionalDirector:  "大区总监",
	PositionRegionalAssistant: "大区总监助理",
	PositionDirector:          "部门总监经理",
	PositionCEOAssistant:      "CEO办助理",
	PositionSecretary:         "秘书",
	PositionCOOAssistant:      "COO助理",
	PositionStaff:             "员工",
}

// ZH returns the Chinese name of the position class.
func (p Position) ZH() string { return positionZH[p] }

// ParsePosition accepts a position class by its English code or its Chinese
// name; the empty string means staff.
func ParsePosition(s string) (Position, error) {
	if s == "" {
		return PositionStaff, nil
	}
	for _, p := range Positions {
		if string(p) == s || positionZH[p] == s {
			return p, nil
		}
	}
	return "", Invalidf("unknown position class %q: use one of executive, regional-director, regional-assistant, director, ceo-assistant, secretary, coo-assistant, staff", s)
}
