package obsjsonl

// isoMicros reads the form JavaScript's Date.prototype.toISOString writes,
// "YYYY-MM-DDTHH:MM:SS.sssZ" (with 0 to 9 digits of fraction, and
// without it), as microseconds since the Unix epoch: the fast path of
// micros. It is false for anything else, and for a time time.Parse
// would refuse (a day the month does not have, an hour above 23 …) or
// that is before the epoch; micros then asks time.Parse, so both paths
// give the same answer (FuzzISOMicros).
func isoMicros(s string) (uint64, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return 0, false
	}
	year, ok1 := decimal(s[0:4])
	month, ok2 := decimal(s[5:7])
	day, ok3 := decimal(s[8:10])
	hour, ok4 := decimal(s[11:13])
	minute, ok5 := decimal(s[14:16])
	sec, ok6 := decimal(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || year < 1970 ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	frac := s[19 : len(s)-1]
	var us uint64
	switch {
	case frac == "":
	case frac[0] != '.' || len(frac) < 2 || len(frac) > 10:
		return 0, false
	default:
		digits := frac[1:]
		for i := 0; i < 6; i++ {
			d := uint64(0)
			if i < len(digits) {
				c := digits[i]
				if c < '0' || c > '9' {
					return 0, false
				}
				d = uint64(c - '0')
			}
			us = us*10 + d
		}
		for i := 6; i < len(digits); i++ { // below a microsecond: dropped, as micros does
			if c := digits[i]; c < '0' || c > '9' {
				return 0, false
			}
		}
	}
	days := daysSinceEpoch(year, month, day)
	secs := uint64(days)*86400 + uint64(hour)*3600 + uint64(minute)*60 + uint64(sec)
	return secs*1_000_000 + us, true
}

// decimal reads s, ASCII digits only.
func decimal(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func isLeap(year int) bool { return year%4 == 0 && (year%100 != 0 || year%400 == 0) }

// daysIn is the number of days of month (1–12) in year.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if isLeap(year) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch is the number of days from 1970-01-01 to the date, in
// the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
func daysSinceEpoch(year, month, day int) int {
	if month <= 2 {
		year--
	}
	era := year / 400 // year ≥ 1969 here: no negative division
	yoe := year - era*400
	m := month + 9
	if month > 2 {
		m = month - 3
	}
	doy := (153*m+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
