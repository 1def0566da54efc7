package store

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
)

// An operation-log value is the sha256 of the record's JSON followed by the
// record, stored in one of two encodings told apart by its first byte:
//
//	'{'   the JSON itself (records written before schema 6)
//	0x01  0x01 + the JSON deflated with opDictV1 as the preset dictionary
//
// The hash is always over the JSON, so the chain and the head do not depend
// on the encoding. A record is about 700 bytes of JSON, most of it the same
// field names and operation words as every other record: deflate with a
// dictionary of them stores it in about a quarter of that (the log of a
// 50,000-row import: 36 MB as JSON, 9.5 MB deflated), and a bulk change holds
// its records in memory until the commit, twice (as values and as pages).
const opDeflateV1 = 0x01

// opDictV1 is the preset dictionary of encoding 0x01. It is part of the file
// format: records written with it can only be read with exactly these bytes,
// so it never changes; a better dictionary is a new encoding byte. Deflate
// finds the strings nearest the end of the dictionary cheapest, so the most
// common ones come last.
const opDictV1 = `"notes":[{"kind":"","text":""}]"delegations":[],"grants":[{"perm":"","source":"direct","until":"","approved_by":""}],` +
	`"roles":[{"role":"admin","scope":0,"rights":["members","groups","announcements"]}],"keys":[{"fingerprint":"SHA256:","comment":""}],` +
	`"aliases":[],"successor":"","warnings":[{"reason":"","by":"","time":""}],"reason":"","prefs":{"lang":"zh-CN"},` +
	`"heads":[],"officer":"","mailbox":"","parent":0,"id":0,"primary":true,"added":"",` +
	`"door":"ssh","source":"127.0.0.1","door":"tui","op":"group.member.add","op":"dept.add","op":"dept.set","op":"request.file","op":"request.approve",` +
	`"op":"member.set","op":"member.disable","op":"passwd.reset","op":"login.fail","op":"import.members",` +
	`{"kind":"group","key":"","before":{"address":"","name":"","members":[],"depts":[],"post":"members"},"after":` +
	`{"kind":"dept","key":"","before":null,"after":{"id":0,"parent":0,"name":"","created":"2026-01-01T00:00:00Z"}}],` +
	`"password":{"must_change":true,"changed":"2026-","failures":0},"phone":"","birthday":"","gender":"female",` +
	`{"seq":0,"time":"2026-01-01T00:00:00.000000000Z","actor":"","name":"Administrator","roles":"admin","door":"cli","source":"local",` +
	`"op":"member.add","target":"","changes":[{"kind":"member","key":"","before":null,"after":{"address":"","name":"",` +
	`"employee_id":"E","depts":[],"title":"","position":"staff","mobile":"1","gender":"male","status":"active","password":{},` +
	`"created":"2026-01-01T00:00:00.000000000Z","updated":"2026-01-01T00:00:00.000000000Z"}}],"prev":"`

// opDictV1Bytes is opDictV1 as the flate package takes it (it copies it).
var opDictV1Bytes = []byte(opDictV1)

// The deflaters and inflaters are reused: a new deflater allocates about
// 1 MB, and every audited change writes a record; audit verify inflates
// every record there is.
var (
	opDeflaters = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(io.Discard, flate.DefaultCompression, opDictV1Bytes)
		if err != nil {
			panic(err) // only for a bad level
		}
		return w
	}}
	opInflaters = sync.Pool{New: func() any { return new(opInflater) }}
)

// opInflater is a flate reader with the reader of its input.
type opInflater struct {
	src bytes.Reader
	r   io.ReadCloser
}

// inflateOp appends the record deflated in enc to dst.
func inflateOp(dst *bytes.Buffer, enc []byte) error {
	in := opInflaters.Get().(*opInflater)
	defer opInflaters.Put(in)
	in.src.Reset(enc)
	if in.r == nil {
		in.r = flate.NewReaderDict(&in.src, opDictV1Bytes)
	} else if err := in.r.(flate.Resetter).Reset(&in.src, opDictV1Bytes); err != nil {
		return err
	}
	_, err := dst.ReadFrom(in.r)
	in.src.Reset(nil) // let go of enc
	return err
}

// encodeOpValue makes the stored value of a record's JSON.
func encodeOpValue(body []byte) []byte {
	sum := sha256.Sum256(body)
	var buf bytes.Buffer
	buf.Grow(sha256.Size + 1 + len(body)/3)
	buf.Write(sum[:])
	buf.WriteByte(opDeflateV1)
	w := opDeflaters.Get().(*flate.Writer)
	w.Reset(&buf)
	w.Write(body) // a bytes.Buffer does not fail
	w.Close()
	w.Reset(io.Discard) // let go of buf
	opDeflaters.Put(w)
	return buf.Bytes()
}

// errOpValue is a stored value that is not a record in a known encoding.
var errOpValue = errors.New("not an operation-log record")

// decodeOpValue splits a stored value into the hash it carries and the
// record's JSON.
func decodeOpValue(v []byte) (sum, body []byte, err error) {
	return decodeOpValueBuf(v, nil)
}

// decodeOpValueBuf is decodeOpValue inflating into buf when it is not nil:
// the JSON returned is then buf's, good until buf is used again, so a
// reader of many records allocates for none of them.
func decodeOpValueBuf(v []byte, buf *bytes.Buffer) (sum, body []byte, err error) {
	if len(v) <= sha256.Size {
		return nil, nil, fmt.Errorf("%w: the record is truncated", errOpValue)
	}
	sum, enc := v[:sha256.Size], v[sha256.Size:]
	switch enc[0] {
	case '{':
		return sum, enc, nil
	case opDeflateV1:
		if buf == nil {
			buf = bytes.NewBuffer(make([]byte, 0, 4*len(enc)))
		}
		buf.Reset()
		if err := inflateOp(buf, enc[1:]); err != nil {
			return nil, nil, fmt.Errorf("%w: the compressed record is damaged (%v)", errOpValue, err)
		}
		return sum, buf.Bytes(), nil
	}
	return nil, nil, fmt.Errorf("%w: unknown encoding 0x%02x", errOpValue, enc[0])
}

// EncodeOpValue and DecodeOpValue are the operation log's stored format,
// for tools that read or repair a data file directly (and the tests that
// tamper with one): the hash is over body, whatever the encoding.
func EncodeOpValue(body []byte) []byte { return encodeOpValue(body) }

// DecodeOpValue returns the hash a stored record carries and its JSON.
func DecodeOpValue(v []byte) (sum, body []byte, err error) { return decodeOpValue(v) }
