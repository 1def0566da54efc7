package model

import (
	"bytes"
	"testing"
)

// checkContactsFile is what both fuzz targets require of what ReadContacts
// accepted: a user error or rows that are clean, numbered in order, and
// that survive a round trip through the writer of the same format.
func checkContactsFile(t *testing.T, data []byte, vcard bool) {
	f, err := ReadContacts(bytes.NewReader(data), 1<<16)
	if err != nil {
		if !IsUserError(err) {
			t.Fatalf("error %v is not a user error", err)
		}
		return
	}
	last := 0
	for _, r := range f.Rows {
		if r.Number <= last {
			t.Fatalf("row numbers out of order: %d after %d", r.Number, last)
		}
		last = r.Number
		again, probs := CleanContact(ContactFields{Name: r.Contact.Name, Emails: r.Contact.Emails, Phones: r.Contact.Phones,
			Company: r.Contact.Company, Title: r.Contact.Title, Notes: r.Contact.Notes})
		if len(probs) > 0 || !again.sameData(r.Contact) {
			t.Fatalf("accepted contact %+v is not clean: %v", r.Contact, probs)
		}
	}
	var cs []*Contact
	for _, r := range f.Rows {
		cs = append(cs, r.Contact)
	}
	var buf bytes.Buffer
	if vcard {
		err = WriteVCards(&buf, cs)
	} else {
		err = WriteContactsCSV(&buf, cs, len(data)%2 == 0)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 {
		return
	}
	back, err := ReadContacts(&buf, 1<<20)
	if err != nil {
		t.Fatalf("re-reading the export: %v\n%q", err, buf.String())
	}
	if len(back.Errors) > 0 || len(back.Rows) != len(cs) {
		t.Fatalf("re-reading the export: %d rows, errors %v; want %d rows\n%q", len(back.Rows), back.Errors, len(cs), buf.String())
	}
	for i, r := range back.Rows {
		if !r.Contact.sameData(cs[i]) {
			t.Fatalf("round trip changed\n%+v\ninto\n%+v", cs[i], r.Contact)
		}
	}
}

func FuzzReadVCards(f *testing.F) {
	for _, s := range []string{
		oldPhone(),
		"BEGIN:VCARD\nVERSION:3.0\nFN:Li\\, Si\nitem1.EMAIL;TYPE=INTERNET:li@partner.com\nORG:A\\;B;C\nNOTE:x\n  y\\n\nEND:VCARD\n",
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:王五\r\nTEL;VALUE=uri;TYPE=\"voice,cell\":tel:+86-138\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=BIG5;ENCODING=QUOTED-PRINTABLE:=A4=FD=\r\n=A4=FD\r\nEMAIL:a@b.cn\r\nEND:VCARD\r\n",
		"BEGIN:VCARD\nFN;ENCODING=b:5byg5LiJ\nEND:VCARD\nBEGIN:VCARD\nFN:cut\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkContactsFile(t, data, true) })
}

func FuzzReadContactsCSV(f *testing.F) {
	for _, s := range []string{
		"name,email,phone,company,title,notes\r\n张三,zhang@customer.cn;z2@customer.cn,'+86 138,华为,采购,\"一\r\n二\"\r\n",
		"\ufeff姓名,邮箱,手机,电话,公司\r\n李四,li@partner.com,13800138000,010-1234,伙伴\r\n,,,,\r\n",
		"Display Name,E-mail Address,Mobile Phone\nBob,bob@x.com,1\n",
		"\xd0\xd5\xc3\xfb,email\n\xd5\xc5\xc8\xfd,a@b.cn\n",
		"name,email\nA,a@x.cn\nB,not-mail\n\"D,d@x.cn\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkContactsFile(t, data, false) })
}
