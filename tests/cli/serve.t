# semspace serve refuses to start rather than serve badly: beyond loopback without a key, unknown models, bad flags.
run: {semspace} serve --host 0.0.0.0 --port 0
exit: 2
stderr~ refusing to listen on 0\.0\.0\.0 without --api-key
run: {semspace} serve --host 192.168.7.7 --port 0 --model nope.vec --db c.db
exit: 2
stderr~ without --api-key
run: {semspace} serve --port 0 --model nope.vec --db c.db
exit: 1
stderr~ --model nope\.vec: .*nope\.vec
run: {semspace} serve --port 70000
exit: 2
stderr~ --port
run: {semspace} serve --max-batch 0
exit: 2
stderr~ --max-batch
run: {semspace} serve --help
exit: 0
stdout~ --max-wait-ms
