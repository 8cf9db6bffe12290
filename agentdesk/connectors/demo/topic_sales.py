"""Demo topics, part one: what customers ask before and right after they buy. Pure data."""

from __future__ import annotations

from agentdesk.connectors.demo.topic_type import Topic as T

SALES_TOPICS = [
    T(
        "size",
        "presales",
        9,
        ("pre-sales", "size"),
        {
            "zh": ["{product}尺码咨询", "{product}选哪个码？", "想问下{product}偏大还是偏小"],
            "en": [
                "Sizing question: {product}",
                "Which size of the {product}?",
                "Does the {product} run small?",
            ],
        },
        {
            "zh": [
                "你好，我平时穿{size}，{product}选哪个码合适？",
                "请问{product}偏大还是偏小？身高165体重52kg。",
                "{product}有没有尺码表？我在{size}和大一码之间犹豫。",
            ],
            "en": [
                "Hi, I usually wear {size}. Which size of the {product} should I order?",
                "Does the {product} run true to size? I'm between {size} and the next size up.",
                "Is there a size chart for the {product}?",
            ],
        },
        {
            "zh": [
                "您好，{product}版型正常，建议按平时的{size}选择哦。",
                "亲，这款偏修身，喜欢宽松可以拍大一码。",
                "尺码表在商品详情页第三张图，有问题随时找我～",
            ],
            "en": [
                "Hi {first}, the {product} fits true to size, so {size} should be right.",
                "It's a slim fit; if you prefer it relaxed, go one size up.",
                "The size chart is the third image on the product page. Happy to help further!",
            ],
        },
        {
            "zh": ["好的谢谢，那我拍{size}。", "明白了，现在下单今天能发吗？", "有优惠券吗？"],
            "en": [
                "Great, I'll order the {size} then.",
                "Thanks! If I order today, when does it ship?",
                "Any discount code available?",
            ],
        },
        needs_order=False,
    ),
    T(
        "stock",
        "presales",
        6,
        ("pre-sales", "stock"),
        {
            "zh": ["{product}什么时候补货", "{product} {size} 还有货吗"],
            "en": ["When is the {product} back in stock?", "{product} in {size} available?"],
        },
        {
            "zh": [
                "{product}的{size}显示缺货，什么时候补货呀？",
                "请问{product} {size}还有现货吗？急用。",
            ],
            "en": [
                "The {product} in {size} shows out of stock. When will it be back?",
                "Do you have the {product} in {size} in stock? I need it by next week.",
            ],
        },
        {
            "zh": [
                "亲，{size}预计下周三到货，可以先加购物车，到货会有提醒。",
                "目前仓库还有少量现货，拍下48小时内发出。",
            ],
            "en": [
                "The {size} is due back next Wednesday; add it to your wishlist and we'll notify you.",
                "We have a few left in the warehouse; orders today ship within 48 hours.",
            ],
        },
        {
            "zh": ["好的，那我等补货。", "能帮我预留一件吗？"],
            "en": ["OK, I'll wait for the restock.", "Could you hold one for me?"],
        },
        needs_order=False,
    ),
    T(
        "discount",
        "presales",
        5,
        ("pre-sales", "discount"),
        {
            "zh": ["双十一有优惠吗", "优惠券用不了", "会员折扣咨询"],
            "en": ["Discount code not working", "Any sale coming up?", "Member discount question"],
        },
        {
            "zh": [
                "结算的时候优惠券显示不可用，是怎么回事？",
                "{product}双十一会降价吗？现在买会不会亏？",
                "我是老会员，有没有额外折扣？",
            ],
            "en": [
                "My discount code says it's invalid at checkout.",
                "Will the {product} be on sale soon? Don't want to buy now and miss it.",
                "I've bought from you many times. Is there a loyalty discount?",
            ],
        },
        {
            "zh": [
                "亲，这张券需要满299才能使用哦，{product}加一件配件就可以用了。",
                "我们支持价保30天，降价可以申请退差价。",
                "已为您账户发放一张50元会员券，请查收。",
            ],
            "en": [
                "That code needs a minimum order of $50; adding any accessory will unlock it.",
                "We offer a 30-day price match, so if the price drops we'll refund the difference.",
                "I've added a $10 loyalty credit to your account.",
            ],
        },
        {
            "zh": ["收到了，谢谢！", "那我现在下单了。"],
            "en": ["Got it, thank you!", "Perfect, ordering now."],
        },
        needs_order=False,
    ),
    T(
        "wismo",
        "aftersales",
        14,
        ("shipping", "wismo"),
        {
            "zh": ["我的快递到哪了", "订单{order}还没发货", "物流三天没更新"],
            "en": [
                "Where is my order {order}?",
                "Order {order} not received",
                "Tracking hasn't updated",
            ],
        },
        {
            "zh": [
                "订单{order}显示已发货，但是{carrier}物流三天没更新了，单号{tracking}。",
                "下单一周了还没收到，订单号{order}，帮忙查一下。",
                "我的包裹是不是丢了？{tracking}一直显示在中转站。",
            ],
            "en": [
                "My order {order} says shipped but {carrier} tracking {tracking} hasn't moved in three days.",
                "I ordered a week ago and nothing has arrived. Order {order}.",
                "Is my parcel lost? Tracking {tracking} has been stuck at the depot.",
            ],
        },
        {
            "zh": [
                "您好，已联系{carrier}核实，包裹在转运中心，预计{days}天内送达。",
                "已帮您催件，{carrier}反馈明天派送，请保持电话畅通。",
                "抱歉让您久等，如果后天还没收到，我们直接给您补发。",
            ],
            "en": [
                "Hi {first}, I've checked with {carrier}: the parcel is at the sorting centre and should arrive within {days} days.",
                "I've chased {carrier}; delivery is scheduled for tomorrow.",
                "Sorry for the wait. If it hasn't arrived in two days, we'll send a replacement right away.",
            ],
        },
        {
            "zh": ["好的，我再等等。", "还是没收到，怎么办？", "收到了，谢谢！"],
            "en": [
                "OK, I'll wait a bit longer.",
                "Still nothing. What now?",
                "It just arrived, thanks!",
            ],
        },
    ),
    T(
        "damaged",
        "aftersales",
        7,
        ("damaged", "after-sales"),
        {
            "zh": ["收到的{product}有破损", "商品损坏要求处理"],
            "en": ["{product} arrived damaged", "Broken item in order {order}"],
        },
        {
            "zh": [
                "刚收到{product}，外包装压坏了，里面也有裂痕，订单{order}，照片已附上。",
                "{product}收到就是坏的，怎么处理？",
            ],
            "en": [
                "The {product} from order {order} arrived with a crack. Photos attached.",
                "My {product} arrived broken. The box was crushed.",
            ],
        },
        {
            "zh": [
                "非常抱歉！已看到照片，我们马上为您补发一件新的，不用寄回。",
                "抱歉给您带来不便，可以选择补发或者全额退款，您看哪种方便？",
            ],
            "en": [
                "I'm so sorry, {first}. I've seen the photos and we're sending a new one; no need to return the damaged one.",
                "Apologies! Would you prefer a replacement or a full refund of {amount}?",
            ],
        },
        {
            "zh": ["补发吧，谢谢。", "那就退款吧。"],
            "en": ["A replacement, please.", "I'd rather have the refund."],
        },
        priority="high",
    ),
]
