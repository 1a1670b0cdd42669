package domain

import "reflect"

// factoryOf returns a function making a new pointer to p's type.
func factoryOf(p Event) func() Event {
	t := reflect.TypeOf(p)
	return func() Event { return reflect.New(t).Interface().(Event) }
}

// deref turns the decoded pointer back into the value type events use.
func deref(ptr Event) Event {
	return reflect.ValueOf(ptr).Elem().Interface().(Event)
}
