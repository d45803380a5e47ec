using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Lumi.Models.Checkpoints;

/// <summary>
/// A pickle reader that builds data, never runs code: it knows the opcodes <c>torch.save</c> writes
/// (protocol 2, and the protocol 3–5 additions) and resolves GLOBALs only to an allow-list —
/// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c> (and its predecessor),
/// <c>torch._utils._rebuild_parameter</c> and the <c>torch.*Storage</c> types. Anything else is refused
/// by name before it could be called.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly HashSet<string> AllowedCallables = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_parameter",
    };

    private static readonly object Mark = new();

    private readonly byte[] _data;
    private readonly string _source;
    private int _pos;
    private readonly List<object?> _stack = new();
    private readonly Dictionary<long, object?> _memo = new();

    private RestrictedUnpickler(byte[] data, int start, string source)
    {
        _data = data;
        _pos = start;
        _source = source;
    }

    /// <summary>Reads one pickle starting at <paramref name="position"/> and moves it past the STOP opcode.</summary>
    public static object? Load(byte[] data, ref int position, string source)
    {
        var reader = new RestrictedUnpickler(data, position, source);
        object? result = reader.Run();
        position = reader._pos;
        return result;
    }

    private object? Run()
    {
        while (true)
        {
            int at = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                      // PROTO
                case 0x95: Take(8); break;                                         // FRAME (protocol 4)
                case (byte)'.': return Pop(at);                                    // STOP
                case (byte)'(': _stack.Add(Mark); break;                           // MARK
                case (byte)'0': Pop(at); break;                                    // POP
                case (byte)'1': PopMark(at); break;                                // POP_MARK
                case (byte)'2': Push(Peek(at)); break;                             // DUP
                case (byte)'N': Push(null); break;                                 // NONE
                case 0x88: Push(true); break;                                      // NEWTRUE
                case 0x89: Push(false); break;                                     // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break;                     // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break;                      // LONG1
                case 0x8b: Push(ReadLong(ReadLength(4, at))); break;               // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': Push(ReadUtf8(ReadLength(4, at))); break;          // BINUNICODE
                case 0x8c: Push(ReadUtf8(ReadByte())); break;                      // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(ReadLength(8, at))); break;               // BINUNICODE8
                case (byte)'U': Push(ReadUtf8(ReadByte())); break;                 // SHORT_BINSTRING (Python 2 str)
                case (byte)'T': Push(ReadUtf8(ReadLength(4, at))); break;          // BINSTRING
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break;           // SHORT_BINBYTES
                case (byte)'B': Push(Take(ReadLength(4, at)).ToArray()); break;    // BINBYTES
                case (byte)')': Push(new PickleTuple(Array.Empty<object?>())); break; // EMPTY_TUPLE
                case (byte)'t': Push(new PickleTuple(PopMark(at).ToArray())); break;  // TUPLE
                case 0x85: Push(Tuple(at, 1)); break;                              // TUPLE1
                case 0x86: Push(Tuple(at, 2)); break;                              // TUPLE2
                case 0x87: Push(Tuple(at, 3)); break;                              // TUPLE3
                case (byte)']': Push(new List<object?>()); break;                  // EMPTY_LIST
                case (byte)'l': Push(PopMark(at)); break;                          // LIST
                case (byte)'a': Append(at, new List<object?> { Pop(at) }); break;  // APPEND
                case (byte)'e': Append(at, PopMark(at)); break;                    // APPENDS
                case (byte)'}': Push(new PickleDict(ordered: false)); break;       // EMPTY_DICT
                case (byte)'d': Push(DictFrom(at, PopMark(at))); break;            // DICT
                case (byte)'s':                                                    // SETITEM
                {
                    object? value = Pop(at), key = Pop(at);
                    SetItems(at, new List<object?> { key, value });
                    break;
                }
                case (byte)'u': SetItems(at, PopMark(at)); break;                  // SETITEMS
                case (byte)'q': _memo[ReadByte()] = Peek(at); break;               // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(at); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(at); break;                   // MEMOIZE
                case (byte)'h': Push(MemoGet(ReadByte(), at)); break;              // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)), at)); break; // LONG_BINGET
                case (byte)'c': Push(Global(ReadLine(at), ReadLine(at))); break;   // GLOBAL
                case 0x93:                                                         // STACK_GLOBAL
                {
                    object? name = Pop(at), module = Pop(at);
                    if (module is not string m || name is not string n)
                        throw Corrupt(at, "STACK_GLOBAL expects two strings");
                    Push(Global(m, n));
                    break;
                }
                case (byte)'R': Reduce(at); break;                                 // REDUCE
                case (byte)'b': Build(at); break;                                  // BUILD
                case (byte)'Q': Push(PersistentLoad(Pop(at), at)); break;          // BINPERSID
                default:
                    throw Corrupt(at, $"unsupported pickle opcode 0x{op:x2}");
            }
        }
    }

    private object Global(string module, string name)
    {
        var global = new PickleGlobal(module, name);
        if (AllowedCallables.Contains(global.FullName) || TorchStorageTypes.IsStorage(module, name))
            return global;
        throw new InvalidDataException(
            $"refusing to load '{global.FullName}' from {_source}: only tensors and ordered dicts are allowed " +
            "(nothing in a weights file may run code).");
    }

    private void Reduce(int at)
    {
        object? args = Pop(at), callable = Pop(at);
        if (callable is not PickleGlobal g || args is not PickleTuple t)
            throw Corrupt(at, "REDUCE expects a global and a tuple of arguments");
        object?[] a = t.Items;
        switch (g.FullName)
        {
            case "collections.OrderedDict" when a.Length == 0:
                Push(new PickleDict(ordered: true));
                break;
            case "torch._utils._rebuild_tensor_v2" when a.Length >= 6:
            case "torch._utils._rebuild_tensor" when a.Length == 4:
                var storage = a[0] as StorageRef ?? throw Corrupt(at, $"{g.Name} expects a storage");
                bool requiresGrad = a.Length >= 6 && a[4] is true;
                Push(new TensorRef(storage, ToLong(a[1], at), Longs(a[2], at), Longs(a[3], at), requiresGrad));
                break;
            case "torch._utils._rebuild_parameter" when a.Length >= 2:
                var data = a[0] as TensorRef ?? throw Corrupt(at, "_rebuild_parameter expects a tensor");
                Push(data with { RequiresGrad = a[1] is true });
                break;
            default:
                throw new InvalidDataException(
                    $"refusing to call '{g.FullName}' with {a.Length} argument(s) from {_source}: only tensors and ordered dicts are allowed.");
        }
    }

    private void Build(int at)
    {
        object? state = Pop(at);
        object? target = Peek(at);
        // state may be (dict_state, slot_state) as object.__reduce_ex__ writes it.
        if (state is PickleTuple { Items.Length: 2 } pair) state = pair.Items[0] ?? pair.Items[1];
        if (target is PickleDict dict && state is PickleDict attributes)
        {
            foreach (var (k, v) in attributes.Items)
            {
                if (k is not string name) throw Corrupt(at, "BUILD attribute names must be strings");
                dict.Attributes[name] = v;
            }
            return;
        }
        if (target is TensorRef && state is null or PickleDict { Items.Count: 0 }) return;
        throw Corrupt(at, $"BUILD on a {Describe(target)} with a {Describe(state)} is not supported");
    }

    private StorageRef PersistentLoad(object? pid, int at)
    {
        // zip:    ('storage', storage_type, key, location, numel)
        // legacy: ('storage', storage_type, root_key, location, numel, view_metadata)
        if (pid is not PickleTuple { Items: [string tag, .. var rest] } || tag != "storage" || rest.Length is < 4 or > 5)
            throw new InvalidDataException($"refusing a persistent id other than ('storage', …) in {_source} at byte {at}: only tensors and ordered dicts are allowed.");
        if (rest[0] is not PickleGlobal type || !TorchStorageTypes.IsStorage(type.Module, type.Name))
            throw Corrupt(at, $"persistent id names {Describe(rest[0])} where a torch storage type belongs");
        string key = rest[1] as string ?? (rest[1] is long l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : throw Corrupt(at, "storage key is not a string"));
        long numel = ToLong(rest[3], at);
        var (dtype, _) = TorchStorageTypes.Get(type.Name);
        if (rest.Length == 5 && rest[4] is PickleTuple { Items: [_, var offset, var size] })
            return new StorageRef(key, dtype, type.Name, numel, ToLong(offset, at), ToLong(size, at));
        return new StorageRef(key, dtype, type.Name, numel, 0, numel);
    }

    private void Append(int at, List<object?> items)
    {
        if (Peek(at) is not List<object?> list) throw Corrupt(at, $"APPEND(S) on a {Describe(Peek(at))}");
        list.AddRange(items);
    }

    private void SetItems(int at, List<object?> items)
    {
        if (Peek(at) is not PickleDict dict) throw Corrupt(at, $"SETITEM(S) on a {Describe(Peek(at))}");
        if (items.Count % 2 != 0) throw Corrupt(at, "SETITEMS with an odd number of items");
        for (int i = 0; i < items.Count; i += 2) dict.Set(items[i], items[i + 1]);
    }

    private PickleDict DictFrom(int at, List<object?> items)
    {
        var dict = new PickleDict(ordered: false);
        if (items.Count % 2 != 0) throw Corrupt(at, "DICT with an odd number of items");
        for (int i = 0; i < items.Count; i += 2) dict.Set(items[i], items[i + 1]);
        return dict;
    }

    private PickleTuple Tuple(int at, int n)
    {
        if (_stack.Count < n) throw Corrupt(at, "stack underflow");
        var items = new object?[n];
        for (int i = n - 1; i >= 0; i--) items[i] = Pop(at);
        return new PickleTuple(items);
    }

    private object? MemoGet(long index, int at) =>
        _memo.TryGetValue(index, out var v) ? v : throw Corrupt(at, $"memo slot {index} was never stored");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek(int at)
    {
        if (_stack.Count == 0 || ReferenceEquals(_stack[^1], Mark)) throw Corrupt(at, "stack underflow");
        return _stack[^1];
    }

    private object? Pop(int at)
    {
        object? v = Peek(at);
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private List<object?> PopMark(int at)
    {
        int mark = _stack.FindLastIndex(x => ReferenceEquals(x, Mark));
        if (mark < 0) throw Corrupt(at, "no MARK on the stack");
        var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n < 0 || n > _data.Length - _pos)
            throw new InvalidDataException($"{_source} ends inside a pickle at byte {_data.Length} (needed {n} more byte(s) at {_pos}); the file is truncated or not a PyTorch file.");
        var span = _data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return span;
    }

    private long ReadLength(int bytes, int at)
    {
        long n = bytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Take(4)) : BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        if (n < 0) throw Corrupt(at, "negative length");
        return n;
    }

    private string ReadUtf8(long n) => Encoding.UTF8.GetString(Take(n));

    private string ReadLine(int at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw new InvalidDataException($"{_source} ends inside a pickle (a GLOBAL at byte {at} has no end); the file is truncated.");
        string s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private object ReadLong(long n)
    {
        var bytes = Take(n);
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private long ToLong(object? v, int at) => v is long l ? l : throw Corrupt(at, $"expected an integer, found a {Describe(v)}");

    private long[] Longs(object? v, int at) =>
        v is PickleTuple t ? t.Items.Select(x => ToLong(x, at)).ToArray() : throw Corrupt(at, $"expected a tuple of integers, found a {Describe(v)}");

    private InvalidDataException Corrupt(int at, string what) =>
        new($"{_source} is not a valid PyTorch pickle: {what} (byte {at}).");

    internal static string Describe(object? v) => v switch
    {
        null => "None",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        List<object?> => "list",
        PickleTuple => "tuple",
        PickleDict { Ordered: true } => "OrderedDict",
        PickleDict => "dict",
        PickleGlobal g => $"'{g.FullName}'",
        StorageRef s => $"torch.{s.TypeName}",
        TensorRef => "tensor",
        _ => v.GetType().Name,
    };
}
