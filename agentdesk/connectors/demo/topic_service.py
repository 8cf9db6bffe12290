"""Demo topics, part two: after-sales, returns, marketplace claims. Pure data."""

from __future__ import annotations

from agentdesk.connectors.demo.topic_type import Topic as T

SERVICE_TOPICS = [
    T(
        "wrong_item",
        "aftersales",
        5,
        ("wrong-item", "after-sales"),
        {
            "zh": ["发错货了", "收到的颜色不对"],
            "en": ["Wrong item received", "Wrong size sent for {order}"],
        },
        {
            "zh": [
                "我买的是{size}，收到的却是别的尺码，订单{order}。",
                "颜色发错了，我要的是黑色。",
            ],
            "en": [
                "I ordered {size} but received a different size. Order {order}.",
                "You sent the wrong colour for my {product}.",
            ],
        },
        {
            "zh": [
                "抱歉发错了，已安排快递上门取件，正确的{product}今天发出。",
                "非常抱歉，给您寄出正确尺码，原件等取件员上门收回即可。",
            ],
            "en": [
                "Sorry about that! A courier will collect the wrong item and the right {product} ships today.",
                "Apologies, the correct size is on its way; keep the wrong one until the courier collects it.",
            ],
        },
        {
            "zh": ["好的，取件时间是几点？", "收到正确的了。"],
            "en": ["OK, what time is the pickup?", "Got the right one now, thanks."],
        },
    ),
    T(
        "return",
        "returns",
        9,
        ("return",),
        {
            "zh": ["申请退货", "七天无理由退货", "{product}想退"],
            "en": ["Return request for {order}", "How do I return the {product}?"],
        },
        {
            "zh": [
                "{product}不太合适，想申请七天无理由退货，订单{order}。",
                "退货地址是哪里？运费谁出？",
            ],
            "en": [
                "The {product} doesn't suit me. I'd like to return it (order {order}).",
                "What's the return address, and who pays return shipping?",
            ],
        },
        {
            "zh": [
                "已为您提交退货申请，请在7天内寄回，运费险会自动理赔。",
                "退货地址已发送到您的订单页，寄出后请填写单号。",
            ],
            "en": [
                "I've opened a return for you. Please send it back within 30 days; the prepaid label is in your email.",
                "The return label is attached. Once it's scanned we'll refund within 3 days.",
            ],
        },
        {
            "zh": ["已经寄出了，单号是{tracking}。", "好的谢谢。"],
            "en": ["Sent it back today, tracking {tracking}.", "Thanks, will do."],
        },
    ),
    T(
        "refund",
        "returns",
        10,
        ("refund",),
        {
            "zh": ["退款什么时候到账", "申请退款", "退款进度查询"],
            "en": ["Refund not received", "Refund status for {order}", "Requesting a refund"],
        },
        {
            "zh": [
                "退货已经签收三天了，退款还没到账，订单{order}。",
                "我要退款，{product}质量有问题。",
                "退款{amount}什么时候能到？",
            ],
            "en": [
                "You received my return three days ago but I still don't have my refund for {order}.",
                "I want a refund for the {product}; the quality isn't what I expected.",
                "When will the refund of {amount} reach my card?",
            ],
        },
        {
            "zh": [
                "已为您加急处理，退款{amount}原路退回，1-3个工作日到账。",
                "查到退款已经发起，银行处理需要几天，请耐心等待。",
            ],
            "en": [
                "I've pushed this through: {amount} is refunded to your original payment method, 1-3 business days.",
                "The refund was issued today; your bank may take a few days to show it.",
            ],
        },
        {
            "zh": ["收到退款了，谢谢。", "怎么还没到？"],
            "en": ["Refund received, thank you.", "It still hasn't arrived."],
        },
        priority="high",
    ),
    T(
        "invoice",
        "aftersales",
        4,
        ("invoice", "发票"),
        {
            "zh": ["开发票", "发票抬头修改", "需要增值税专用发票"],
            "en": ["Invoice request for {order}", "VAT invoice needed"],
        },
        {
            "zh": [
                "订单{order}需要开电子发票，抬头是公司名称，税号稍后发您。",
                "发票抬头写错了，能重开吗？",
            ],
            "en": [
                "Could you send a VAT invoice for order {order}? Company details below.",
                "The invoice has the wrong company name. Can you reissue it?",
            ],
        },
        {
            "zh": ["好的，电子发票会在48小时内发送到您的邮箱。", "已重新开具，旧发票作废。"],
            "en": [
                "Sure, the invoice will be emailed within 48 hours.",
                "Reissued with the corrected name; the old one is void.",
            ],
        },
        {
            "zh": ["收到发票了。", "税号是91310000MA1XXXXX。"],
            "en": ["Invoice received, thanks.", "Our VAT number is GB123456789."],
        },
        priority="low",
    ),
    T(
        "complaint",
        "aftersales",
        4,
        ("complaint",),
        {
            "zh": ["投诉：客服态度差", "非常不满意", "要求赔偿"],
            "en": ["Complaint about my order", "Very disappointed", "Third time asking!"],
        },
        {
            "zh": [
                "我已经问了三次了都没人解决，再不处理我就去平台投诉了！",
                "{product}用了一周就坏了，这质量太差了。",
            ],
            "en": [
                "This is the third time I'm writing and nobody has fixed it. I'm about to file a chargeback.",
                "The {product} broke after one week. Really poor quality.",
            ],
        },
        {
            "zh": [
                "非常抱歉给您带来这么差的体验，这个问题由我全程跟进，今天之内给您答复。",
                "理解您的心情，我们为您全额退款并补偿一张100元券。",
            ],
            "en": [
                "I'm truly sorry, {first}. I'm taking this over personally and will have an answer for you today.",
                "I understand. We're refunding you in full and adding a $20 credit for the trouble.",
            ],
        },
        {
            "zh": ["希望这次能真的解决。", "行吧，谢谢。"],
            "en": ["I hope it's really sorted this time.", "Fine, thank you."],
        },
        priority="urgent",
    ),
    T(
        "vip",
        "vip",
        3,
        ("vip",),
        {
            "zh": ["VIP专属服务咨询", "大额采购询价"],
            "en": ["VIP order request", "Corporate gift order"],
        },
        {
            "zh": [
                "我们公司想采购50套{product}作为年会礼品，能给个报价吗？",
                "我是黑金会员，想预约私人导购。",
            ],
            "en": [
                "We'd like 50 {product} as corporate gifts. Could you quote?",
                "As a VIP member I'd like a personal styling appointment.",
            ],
        },
        {
            "zh": [
                "感谢您的信任！50套可以享受8折，并免费定制包装。",
                "已为您安排专属顾问，明天上午联系您。",
            ],
            "en": [
                "Thank you! For 50 units we can offer 20% off and free gift wrapping.",
                "Your personal advisor will call you tomorrow morning.",
            ],
        },
        {
            "zh": ["好的，请发正式报价单。", "时间可以。"],
            "en": ["Great, please send a formal quote.", "That time works."],
        },
        priority="high",
        needs_order=False,
    ),
    T(
        "a_to_z",
        "marketplace",
        3,
        ("a-to-z", "amazon"),
        {"en": ["A-to-z Guarantee claim: order {order}", "A-to-z claim opened for {order}"]},
        {
            "en": [
                "Buyer opened an A-to-z Guarantee claim: item not received for order {order}. Claim reason: package never arrived.",
                "A-to-z Guarantee claim filed by the buyer: {product} not as described.",
            ]
        },
        {
            "en": [
                "We have reviewed the claim. Tracking {tracking} shows delivery on the stated date; proof of delivery attached.",
                "We have issued a full refund of {amount} to the buyer and request that the claim be closed.",
            ]
        },
        {
            "en": [
                "Amazon: the claim is under review. Respond within the stated deadline.",
                "Buyer: I still haven't got it.",
            ]
        },
        priority="urgent",
    ),
    T(
        "address",
        "aftersales",
        4,
        ("address-change",),
        {
            "zh": ["修改收货地址", "地址填错了"],
            "en": ["Change shipping address", "Wrong address on {order}"],
        },
        {
            "zh": [
                "订单{order}的地址填错了，能改成公司地址吗？",
                "还没发货的话麻烦改一下收件人电话。",
            ],
            "en": [
                "I entered the wrong address for {order}. Can you change it before it ships?",
                "Please update the phone number on my order.",
            ],
        },
        {
            "zh": ["已为您修改地址，订单还未出库。", "抱歉已经发出了，我联系{carrier}改派。"],
            "en": [
                "Done, the address is updated and the order hasn't left the warehouse.",
                "It has already shipped; I've asked {carrier} to redirect it.",
            ],
        },
        {"zh": ["谢谢！", "好的。"], "en": ["Thank you!", "OK."]},
    ),
    T(
        "cancel",
        "aftersales",
        3,
        ("cancel",),
        {
            "zh": ["取消订单", "不想要了能取消吗"],
            "en": ["Cancel order {order}", "Please cancel my order"],
        },
        {
            "zh": ["订单{order}拍错了，麻烦取消。", "能取消订单吗？还没发货。"],
            "en": [
                "Please cancel order {order}, I ordered by mistake.",
                "Can I still cancel? It hasn't shipped yet.",
            ],
        },
        {
            "zh": ["已为您取消，款项原路退回。", "订单已取消，退款1-3天到账。"],
            "en": [
                "Cancelled; you'll see the refund in 1-3 days.",
                "Your order is cancelled and refunded.",
            ],
        },
        {"zh": ["好的。"], "en": ["Thanks."]},
    ),
]
