package auditchain

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"hash"
	"io"
)

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// Key, if not empty, is the HMAC key the export was written with; the
	// trailer must then be signed with it. Without a key a signed trailer
	// is reported (Report.Signed) but not checked.
	Key []byte
	// MaxLineBytes bounds one line (JSONL) or row (CSV); a longer one is
	// ErrMalformed. Zero means 2*MaxEntryBytes, enough for anything a
	// Writer produces.
	MaxLineBytes int
}

func (o *VerifyOptions) setDefaults() {
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 2 * MaxEntryBytes
	}
}

// Report describes a verified export. When Verify fails it describes what
// was verified before the failure.
type Report struct {
	// Format is the detected format.
	Format Format `json:"format"`
	// Count is the number of entries.
	Count int64 `json:"count"`
	// Head is the hash of the last entry (Genesis for an empty export).
	Head string `json:"head"`
	// Signed reports whether the trailer carries an HMAC.
	Signed bool `json:"signed"`
	// SignatureChecked reports whether that HMAC was checked against
	// VerifyOptions.Key. Signed && !SignatureChecked means no key was given:
	// the chain is intact but a full recomputation is not excluded.
	SignatureChecked bool `json:"signatureChecked"`
}

// Verify reads an export from r, detects its format (JSONL if the first
// non-space byte is '{', else CSV) and checks the chain, the trailer and,
// with opts.Key, the trailer's HMAC. It streams: memory does not grow with
// the number of lines. A failure is a *LineError wrapping ErrMalformed,
// ErrEdited, ErrRemoved, ErrReordered, ErrDuplicated, ErrTruncated or
// ErrBadSignature; an error reading r is returned wrapped as it is.
func Verify(r io.Reader, opts VerifyOptions) (Report, error) {
	opts.setDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	format, err := detectFormat(br)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Format: format, Head: Genesis}
	var d decoder
	if format == JSONL {
		d = newJSONLDecoder(br, opts.MaxLineBytes)
	} else if d, err = newCSVDecoder(br, opts.MaxLineBytes); err != nil {
		return rep, err
	}
	v := verifier{d: d, key: opts.Key, next: 1, hasher: sha256.New()}
	err = v.run(&rep)
	return rep, err
}

type verifier struct {
	d      decoder
	key    []byte
	hasher hash.Hash
	next   int64  // seq expected next
	head   digest // hash of the last good entry
}

func (v *verifier) run(rep *Report) error {
	for {
		it, err := v.d.next()
		if errors.Is(err, io.EOF) {
			return lineErr(v.d.endLine()+1, ErrTruncated, "export ends without a trailer after %d entries", v.next-1)
		}
		if err != nil {
			return err
		}
		if it.trailer != nil {
			return v.trailer(it, rep)
		}
		if err := v.entry(it); err != nil {
			return err
		}
		rep.Count, rep.Head = v.next-1, v.head.String()
	}
}

func (v *verifier) entry(it item) error {
	r := it.rec
	if chainHash(v.hasher, r.prev, it.canonical) != r.hash {
		return lineErr(it.line, ErrEdited, "hash of seq %d does not match the line's content", r.seq)
	}
	switch {
	case r.seq > v.next:
		return v.gap(it)
	case r.seq == v.next-1 && r.hash == v.head:
		return lineErr(it.line, ErrDuplicated, "seq %d repeats the previous line", r.seq)
	case r.seq < v.next:
		return lineErr(it.line, ErrReordered, "seq %d appears after seq %d", r.seq, v.next-1)
	case r.prev != v.head:
		return lineErr(it.line, ErrRemoved, "prevHash of seq %d does not link to the previous entry", r.seq)
	}
	v.next++
	v.head = r.hash
	return nil
}

// gap classifies a seq that skips ahead: if the missing seq turns up later
// the lines were reordered, otherwise removed. It reads on to the end.
func (v *verifier) gap(at item) error {
	missing := v.next
	for !v.d.failed() {
		it, err := v.d.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil && it.trailer == nil && it.rec.seq == missing {
			return lineErr(at.line, ErrReordered, "seq %d appears where seq %d was expected; seq %d comes later at line %d",
				at.rec.seq, missing, missing, it.line)
		}
	}
	if missing == 1 {
		return lineErr(at.line, ErrRemoved, "first entry has seq %d: seq 1 to %d are missing", at.rec.seq, at.rec.seq-1)
	}
	return lineErr(at.line, ErrRemoved, "seq %d follows seq %d: seq %d to %d are missing",
		at.rec.seq, missing-1, missing, at.rec.seq-1)
}

func (v *verifier) trailer(it item, rep *Report) error {
	t := *it.trailer
	rep.Signed = t.signed
	if _, err := v.d.next(); !errors.Is(err, io.EOF) {
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			return err
		}
		return lineErr(it.line, ErrMalformed, "trailer is not the last line")
	}
	count := v.next - 1
	switch {
	case t.count > count:
		return lineErr(it.line, ErrTruncated, "trailer counts %d entries, export has %d", t.count, count)
	case t.count < count:
		return lineErr(it.line, ErrEdited, "trailer counts %d entries, export has %d", t.count, count)
	case t.head != v.head:
		return lineErr(it.line, ErrTruncated, "trailer head does not match the hash of the last entry")
	}
	if len(v.key) == 0 {
		return nil
	}
	if !t.signed {
		return lineErr(it.line, ErrBadSignature, "export is not signed but a key was given")
	}
	if want := sign(v.key, t.count, t.head); !hmac.Equal(want[:], t.mac[:]) {
		return lineErr(it.line, ErrBadSignature, "trailer hmac does not match the key")
	}
	rep.SignatureChecked = true
	return nil
}
