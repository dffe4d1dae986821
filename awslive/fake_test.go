package awslive_test

import (
	"context"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// fake stands in for AWS where moto does not: answer replies to an
// operation itself, without sending it, in the shape the operation's API
// reference documents (each test cites the page), or with nil, nil lets
// it through; edit changes what moto
// answered. Every operation seen is recorded with its input.
type fake struct {
	mu     sync.Mutex
	answer map[string]func(in any) (any, error)
	edit   map[string]func(out any)
	ops    []string
	inputs map[string][]any
}

func newFake() *fake {
	return &fake{answer: map[string]func(any) (any, error){}, edit: map[string]func(any){}, inputs: map[string][]any{}}
}

func (f *fake) option(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("moat-fake", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		op := awsmiddleware.GetOperationName(ctx)
		f.mu.Lock()
		f.ops = append(f.ops, awsmiddleware.GetServiceID(ctx)+":"+op)
		f.inputs[op] = append(f.inputs[op], in.Parameters)
		answer, edit := f.answer[op], f.edit[op]
		f.mu.Unlock()
		if answer != nil {
			// An answer of nil, nil lets the call through to moto.
			if out, err := answer(in.Parameters); out != nil || err != nil {
				return middleware.InitializeOutput{Result: out}, middleware.Metadata{}, err
			}
		}
		out, md, err := next.HandleInitialize(ctx, in)
		if err == nil && edit != nil {
			edit(out.Result)
		}
		return out, md, err
	}), middleware.After)
}

func (f *fake) calls(op string) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inputs[op]
}
