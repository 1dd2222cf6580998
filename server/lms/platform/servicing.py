"""`@rpc`: servicer methods written as request in, service call, message out.

A servicer method decorated with `@rpc` names what it needs after the request, and gets it:

    @rpc
    async def GetModule(self, request, call, session):
        return module_message(call, await service.get_module(session, call.actor, request.module_id))

`call` is the RPC's `lms.platform.context.Call` (its actor, URLs, response status); `session`, if named,
is the call's unit of work (`call.session()`: committed or rolled back by the interceptor). Methods that
must not open a session up front (the read path: `call.read`; streamed uploads, which release it while the
body streams) simply do not name it. Helpers of servicers can be decorated the same way; keyword options
pass through (`await self._change(request, partial=True)`). Server-streaming methods (async generators)
work alike.
"""
from __future__ import annotations

import functools
import inspect

from lms.platform.context import current_call


def rpc(method):
    parameters = list(inspect.signature(method).parameters)
    wants_session = "session" in parameters
    if inspect.isasyncgenfunction(method):
        @functools.wraps(method)
        async def stream(self, request, context=None, **options):
            call = current_call()
            args = (call, await call.session()) if wants_session else (call,)
            async for message in method(self, request, *args, **options):
                yield message

        return stream

    @functools.wraps(method)
    async def unary(self, request, context=None, **options):
        call = current_call()
        if wants_session:
            return await method(self, request, call, await call.session(), **options)
        return await method(self, request, call, **options)

    return unary
