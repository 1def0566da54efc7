package assets

// SignatureText is the Policies pane's Signature section and its preview
// box (MAILFX-1). For takes the member's name and address, OptedOut the
// address.
type SignatureText struct {
	Section, None, Text, SetBy, OptOut, Preview, PreviewHint string
	Yes, No, HintCycle                                       string
	Title, Member, HintMember, For, OptedOut, AsText, AsHTML string
	KeyPreview                                               string
}

var signatureZH = SignatureText{
	Section: "企业签名档", None: "未设置企业签名档（policy signature set --text-file FILE 设置）",
	Text: "模板", SetBy: "用 policy signature set 修改模板", OptOut: "成员可自行关闭",
	Preview: "预览", PreviewHint: "回车：按某位成员的资料预览",
	Yes: "是", No: "否", HintCycle: "空格：切换是否允许成员关闭签名档（ctrl+s 保存）",
	Title: "签名档预览：成员发出的邮件末尾的样子", Member: "成员",
	HintMember: "成员的邮箱地址；回车预览",
	For:        "%s（%s）发出的邮件附加：", OptedOut: "%s 已关闭签名档，其邮件不附加；若附加将是：",
	AsText: "纯文本部分：", AsHTML: "HTML 部分：", KeyPreview: "预览",
}

var signatureEN = SignatureText{
	Section: "Enterprise signature", None: "No enterprise signature (policy signature set --text-file FILE sets one)",
	Text: "Template", SetBy: "policy signature set changes the template", OptOut: "Members may turn it off",
	Preview: "Preview", PreviewHint: "enter: preview it with a member's fields",
	Yes: "yes", No: "no", HintCycle: "space: allow or forbid members turning it off (ctrl+s saves)",
	Title: "Signature preview: how a member's mail ends", Member: "Member",
	HintMember: "the member's address; enter previews",
	For:        "Mail from %s (%s) gets:", OptedOut: "%s turned the signature off; their mail goes without it. It would read:",
	AsText: "Plain-text part:", AsHTML: "HTML part:", KeyPreview: "preview",
}
